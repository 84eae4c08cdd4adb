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

const Ipv4Address kSelf = ip("198.18.2.2");
const Ipv4Address kDockerBridge = ip("172.17.0.1");

class PeerDirectoryTest : public ::testing::Test {
 protected:
  PeerDirectoryTest() {
    ON_CALL(resolver_, resolve).WillByDefault(Return(std::vector<Ipv4Address>{}));
  }

  ResolvingPeerDirectory make(std::vector<std::string> hosts,
                              std::optional<std::string> service = std::nullopt) {
    return ResolvingPeerDirectory(resolver_, std::move(hosts), std::move(service),
                                  {kDockerBridge, kSelf}, kSelf);
  }

  NiceMock<MockNameResolver> resolver_;
};

TEST_F(PeerDirectoryTest, ResolvesConfiguredHostsSortedWithoutDuplicates) {
  ON_CALL(resolver_, resolve("relay-c")).WillByDefault(Return(std::vector{ip("198.18.3.2")}));
  ON_CALL(resolver_, resolve("198.18.1.2")).WillByDefault(Return(std::vector{ip("198.18.1.2")}));
  ON_CALL(resolver_, resolve("relay-c-again")).WillByDefault(Return(std::vector{ip("198.18.3.2")}));
  auto directory = make({"relay-c", "198.18.1.2", "relay-c-again"});
  EXPECT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.1.2"), ip("198.18.3.2")));
  EXPECT_FALSE(directory.self_relay());
}

TEST_F(PeerDirectoryTest, UnresolvableHostAtStartIsReported) {
  ON_CALL(resolver_, resolve("good")).WillByDefault(Return(std::vector{ip("198.18.3.2")}));
  auto directory = make({"good", "no-such-relay"});
  EXPECT_EQ(directory.start(), "no-such-relay");
}

TEST_F(PeerDirectoryTest, FailedRefreshKeepsTheLastAnswer) {
  EXPECT_CALL(resolver_, resolve("relay-c"))
      .WillOnce(Return(std::vector{ip("198.18.3.2")}))
      .WillOnce(Return(std::vector<Ipv4Address>{}))
      .WillOnce(Return(std::vector{ip("198.18.3.7")}));
  auto directory = make({"relay-c"});
  ASSERT_EQ(directory.start(), std::nullopt);
  directory.refresh();
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.3.2")));
  directory.refresh();
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.3.7")));
}

TEST_F(PeerDirectoryTest, ServiceNameDiscoversTasksMinusOurOwnAddresses) {
  ON_CALL(resolver_, resolve("tasks.snowsignal"))
      .WillByDefault(Return(std::vector{ip("198.18.1.2"), kSelf, ip("198.18.3.2")}));
  auto directory = make({}, "snowsignal");
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.1.2"), ip("198.18.3.2")));
}

TEST_F(PeerDirectoryTest, ServiceNameWithoutRecordsAtStartIsNotAnError) {
  auto directory = make({}, "snowsignal");
  EXPECT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
}

TEST_F(PeerDirectoryTest, OwnAddressesListedAsRelaysAreNotPeers) {
  ON_CALL(resolver_, resolve("198.18.2.2")).WillByDefault(Return(std::vector{kSelf}));
  ON_CALL(resolver_, resolve("198.18.1.2")).WillByDefault(Return(std::vector{ip("198.18.1.2")}));
  auto directory = make({"198.18.2.2", "198.18.1.2"});
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.1.2")));
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
      .WillOnce(Return(std::vector{kSelf, ip("198.18.1.2")}));
  auto directory = make({}, "snowsignal");
  ASSERT_EQ(directory.start(), std::nullopt);
  EXPECT_TRUE(directory.self_relay());
  directory.refresh();
  EXPECT_FALSE(directory.self_relay());
  EXPECT_THAT(directory.peers(), ElementsAre(ip("198.18.1.2")));
}

}  // namespace
}  // namespace snowsignal::testing
