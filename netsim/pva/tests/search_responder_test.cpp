// pva-server's reply rules, which must match pvxs (server.cpp, udp_collector.cpp).
#include "search_responder.h"

#include <gtest/gtest.h>

namespace pva::server {
namespace {

const net::Endpoint kSource{{198, 18, 1, 10}, 40000};
const std::set<std::string> kServed{"test:pv", "other"};
const ServerIdentity kSelf{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 5075};

Search search_for(std::vector<SearchChannel> channels) {
  Search s;
  s.sequence_id = 0x66696e64;
  s.response_port = 45000;
  s.channels = std::move(channels);
  return s;
}

TEST(SearchResponder, ClaimsServedNamesEchoingTheirIdsAndSequence) {
  const auto d = decide_search_reply(search_for({{7, "test:pv"}, {8, "nope"}, {9, "other"}}),
                                     kSource, kServed, kSelf);
  ASSERT_TRUE(d.response.has_value());
  EXPECT_EQ(d.claimed, (std::vector<std::string>{"test:pv", "other"}));
  EXPECT_EQ(d.response->channel_ids, (std::vector<std::uint32_t>{7, 9}));
  EXPECT_TRUE(d.response->found);
  EXPECT_EQ(d.response->sequence_id, 0x66696e64u);
  EXPECT_EQ(d.response->guid, kSelf.guid);
  EXPECT_EQ(d.response->server_port, 5075);
  EXPECT_EQ(d.response->protocol, "tcp");
  EXPECT_TRUE(d.response->server_address.is_unspecified());
}

TEST(SearchResponder, UnspecifiedResponseAddressRepliesToDatagramSourceAtPayloadPort) {
  const auto d = decide_search_reply(search_for({{1, "test:pv"}}), kSource, kServed, kSelf);
  ASSERT_TRUE(d.reply_to.has_value());
  EXPECT_EQ(d.reply_to->ip, kSource.ip);
  EXPECT_EQ(d.reply_to->port, 45000);  // not the datagram's source port
}

TEST(SearchResponder, SpecifiedResponseAddressWinsOverDatagramSource) {
  auto s = search_for({{1, "test:pv"}});
  s.response_address = Address::ipv4_mapped({198, 18, 3, 33});
  const auto d = decide_search_reply(s, kSource, kServed, kSelf);
  ASSERT_TRUE(d.reply_to.has_value());
  EXPECT_EQ(d.reply_to->ip, (Ipv4{198, 18, 3, 33}));
  EXPECT_EQ(d.reply_to->port, 45000);
}

TEST(SearchResponder, NothingClaimedMeansNoReply) {
  const auto d = decide_search_reply(search_for({{1, "nope"}}), kSource, kServed, kSelf);
  EXPECT_FALSE(d.response.has_value());
  EXPECT_EQ(d.no_reply_reason, "nothing claimed");
}

TEST(SearchResponder, NothingClaimedWithReplyRequiredFlagAnswersFoundZeroCountZero) {
  auto s = search_for({{1, "nope"}});
  s.flags = search_flag::kReplyRequired;
  const auto d = decide_search_reply(s, kSource, kServed, kSelf);
  ASSERT_TRUE(d.response.has_value());
  EXPECT_FALSE(d.response->found);
  EXPECT_TRUE(d.response->channel_ids.empty());
}

TEST(SearchResponder, DiscoveryPingWithReplyRequiredIsAnswered) {
  auto s = search_for({});
  s.flags = search_flag::kReplyRequired;
  EXPECT_TRUE(decide_search_reply(s, kSource, kServed, kSelf).response.has_value());
}

TEST(SearchResponder, SearchWithoutTcpProtocolClaimsNothing) {
  auto s = search_for({{1, "test:pv"}});
  s.protocols = {"tls"};
  EXPECT_FALSE(decide_search_reply(s, kSource, kServed, kSelf).response.has_value());
  s.flags = search_flag::kReplyRequired;  // then pvxs still answers, with found=0
  const auto d = decide_search_reply(s, kSource, kServed, kSelf);
  ASSERT_TRUE(d.response.has_value());
  EXPECT_FALSE(d.response->found);
  EXPECT_TRUE(d.claimed.empty());
}

TEST(SearchResponder, IPv6ResponseAddressOrPortZeroCannotBeAnswered) {
  auto s = search_for({{1, "test:pv"}});
  s.response_address.bytes[0] = 0x20;
  EXPECT_FALSE(decide_search_reply(s, kSource, kServed, kSelf).response.has_value());
  auto z = search_for({{1, "test:pv"}});
  z.response_port = 0;
  EXPECT_FALSE(decide_search_reply(z, kSource, kServed, kSelf).response.has_value());
}

}  // namespace
}  // namespace pva::server
