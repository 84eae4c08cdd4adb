// The peer set: static names and addresses, SERVICENAME discovery, our own addresses
// left out, the self-relay fallback, and what a failed refresh keeps.
#include "resolving_peer_directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frames.h"
#include "mocks.h"

namespace snowsignal::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::NiceMock;
using ::testing::Return;

const IpAddress kSelf = peer_ip("198.18.2.2");
const IpAddress kDockerBridge = peer_ip("172.17.0.1");
const IpAddress kOwnV6 = peer_ip("2001:db8:2::2");

class PeerDirectoryTest : public ::testing::Test {
 protected:
  PeerDirectoryTest() {
    ON_CALL(resolver_, resolve).WillByDefault(Return(std::vector<IpAddress>{}));
  }

  ResolvingPeerDirectory make(std::vector<std::string> hosts,
                              std::optional<std::string> service = std::nullopt) {
    return ResolvingPeerDirectory(resolver_, std::move(hosts), std::move(service),
                                  {kDockerBridge, kSelf, kOwnV6}, kSelf);
  }

  NiceMock<MockNameResolver> resolver_;
};

TEST_F(PeerDirectoryTest, ResolvesConfiguredHostsSortedWithoutDuplicates) {
  ON_CALL(resolver_, resolve("relay-c")).WillByDefault(Return(std::vector{peer_ip("198.18.3.2")}));
  ON_CALL(resolver_, resolve("198.18.1.2"))
      .WillByDefault(Return(std::vector{peer_ip("198.18.1.2")}));
  ON_CALL(resolver_, resolve("relay-c-again"))
      .WillByDefault(Return(std::vector{peer_ip("198.18.3.2")}));
  auto directory = make({"relay-c", "198.18.1.2", "relay-c-again"});
  EXPECT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.1.2"), peer_ip("198.18.3.2")));
  EXPECT_FALSE(directory.self_relay());
}

TEST_F(PeerDirectoryTest, UnresolvableHostAtStartIsReported) {
  ON_CALL(resolver_, resolve("good")).WillByDefault(Return(std::vector{peer_ip("198.18.3.2")}));
  auto directory = make({"good", "no-such-relay"});
  EXPECT_EQ(directory.start(), "no-such-relay");
}

TEST_F(PeerDirectoryTest, FailedRefreshKeepsTheLastAnswer) {
  EXPECT_CALL(resolver_, resolve("relay-c"))
      .WillOnce(Return(std::vector{peer_ip("198.18.3.2")}))
      .WillOnce(Return(std::vector<IpAddress>{}))
      .WillOnce(Return(std::vector{peer_ip("198.18.3.7")}));
  auto directory = make({"relay-c"});
  ASSERT_EQ(directory.start(), std::nullopt);
  directory.refresh();
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.3.2")));
  directory.refresh();
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.3.7")));
}

TEST_F(PeerDirectoryTest, ServiceNameDiscoversTasksMinusOurOwnAddresses) {
  ON_CALL(resolver_, resolve("tasks.snowsignal"))
      .WillByDefault(Return(std::vector{peer_ip("198.18.1.2"), kSelf, peer_ip("198.18.3.2")}));
  auto directory = make({}, "snowsignal");
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.1.2"), peer_ip("198.18.3.2")));
}

TEST_F(PeerDirectoryTest, ServiceNameWithoutRecordsAtStartIsNotAnError) {
  auto directory = make({}, "snowsignal");
  EXPECT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
}

TEST_F(PeerDirectoryTest, OwnAddressesListedAsRelaysAreNotPeers) {
  ON_CALL(resolver_, resolve("198.18.2.2")).WillByDefault(Return(std::vector{kSelf}));
  ON_CALL(resolver_, resolve("198.18.1.2"))
      .WillByDefault(Return(std::vector{peer_ip("198.18.1.2")}));
  auto directory = make({"198.18.2.2", "198.18.1.2"});
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.1.2")));
}

TEST_F(PeerDirectoryTest, NoPeersMeansSelfRelayToOurOwnAddress) {
  auto directory = make({});
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
  EXPECT_THAT(directory.peers(), ElementsAre(kSelf));
}

TEST_F(PeerDirectoryTest, LeavesSelfRelayWhenAPeerAppears) {
  EXPECT_CALL(resolver_, resolve("tasks.snowsignal"))
      .WillOnce(Return(std::vector{kSelf}))
      .WillOnce(Return(std::vector{kSelf, peer_ip("198.18.1.2")}));
  auto directory = make({}, "snowsignal");
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
  directory.refresh();
  EXPECT_FALSE(directory.self_relay());
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.1.2")));
}

TEST_F(PeerDirectoryTest, MixesIpv4AndIpv6PeersFromNamesAndLiterals) {
  // A name with A and AAAA records is both peers; an IPv6 literal is one.
  ON_CALL(resolver_, resolve("relay-c"))
      .WillByDefault(Return(std::vector{peer_ip("198.18.3.2"), peer_ip("2001:db8:3::2")}));
  ON_CALL(resolver_, resolve("2001:db8:4::2"))
      .WillByDefault(Return(std::vector{peer_ip("2001:db8:4::2")}));
  auto directory = make({"relay-c", "2001:db8:4::2"});
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("198.18.3.2"), peer_ip("2001:db8:3::2"),
                                             peer_ip("2001:db8:4::2")));
}

TEST_F(PeerDirectoryTest, OwnIpv6AddressesAreNotPeers) {
  // Swarm's tasks.<service> lists this task's AAAA record too.
  ON_CALL(resolver_, resolve("tasks.snowsignal"))
      .WillByDefault(Return(std::vector{kOwnV6, peer_ip("2001:db8:3::2")}));
  auto directory = make({}, "snowsignal");
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(peer_ip("2001:db8:3::2")));
}

TEST_F(PeerDirectoryTest, OnlyOurOwnIpv6AddressMeansSelfRelay) {
  ON_CALL(resolver_, resolve("2001:db8:2::2")).WillByDefault(Return(std::vector{kOwnV6}));
  auto directory = make({"2001:db8:2::2"});
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
  EXPECT_THAT(directory.peers(), ElementsAre(kSelf));
}

}  // namespace
}  // namespace snowsignal::testing
