#include "server_stats.h"

#include <gtest/gtest.h>

namespace pva::server {
namespace {

TEST(ServerStats, JsonHasTheDocumentedFieldsAndUniqueSourcesAndPeers) {
  ServerStats s(Guid{0xab, 0xcd});
  const std::vector<std::uint8_t> payload{'a'};
  s.search_datagram("198.18.1.10:40000", payload, 1);
  s.search_datagram("198.18.1.10:40000", payload, 2);
  s.search_datagram("198.18.1.11:40001", payload, 1);
  s.response_sent();
  s.tcp_peer("198.18.1.10");
  s.tcp_peer("198.18.1.10");
  s.tcp_validated();
  s.malformed_datagram();
  const auto j = s.to_json();
  EXPECT_EQ(j["malformed_datagrams"], 1);
  EXPECT_EQ(j["guid"], "abcd00000000000000000000");
  EXPECT_EQ(j["searches_received"], 4);
  EXPECT_EQ(j["responses_sent"], 1);
  EXPECT_EQ(j["tcp_validated"], 1);
  EXPECT_EQ(j["search_sources"],
            nlohmann::ordered_json::parse(R"(["198.18.1.10:40000","198.18.1.11:40001"])"));
  EXPECT_EQ(j["tcp_peers"], nlohmann::ordered_json::parse(R"(["198.18.1.10"])"));
  ASSERT_EQ(j["search_payloads"].size(), 3u);
  EXPECT_EQ(j["search_payloads"][0]["bytes"], 1);
  EXPECT_EQ(j["search_payloads"][0]["fnv1a64"], "af63dc4c8601ec8c");
}

TEST(ServerStats, PayloadListIsCappedButCountsKeepGoing) {
  ServerStats s(Guid{});
  const std::vector<std::uint8_t> payload{1, 2, 3};
  for (int i = 0; i < 1500; ++i) s.search_datagram("127.0.0.1:1", payload, 1);
  const auto j = s.to_json();
  EXPECT_EQ(j["search_payloads"].size(), ServerStats::kMaxPayloads);
  EXPECT_EQ(j["searches_received"], 1500);
}

TEST(ServerStats, ChangesMarkDirtyUntilWritten) {
  ServerStats s(Guid{});
  EXPECT_TRUE(s.dirty());  // the initial file is written at start
  s.clean();
  EXPECT_FALSE(s.dirty());
  s.response_sent();
  EXPECT_TRUE(s.dirty());
}

TEST(ServerStats, MalformedTcpIsCountedByReasonAndChannelCountersAreWritten) {
  ServerStats s(Guid{});
  s.clean();
  EXPECT_FALSE(s.dirty());
  s.channels().gets = 2;
  EXPECT_TRUE(s.dirty());  // a change by a connection is noticed without a call
  s.malformed_tcp("bad-magic");
  s.malformed_tcp("bad-magic");
  s.malformed_tcp("truncated-field");
  const auto j = s.to_json();
  EXPECT_EQ(j["malformed_tcp"], 3);
  EXPECT_EQ(j["malformed_tcp_reasons"]["bad-magic"], 2);
  EXPECT_EQ(j["malformed_tcp_reasons"]["truncated-field"], 1);
  EXPECT_EQ(j["gets"], 2);
  for (const char* k : {"channels_created", "unknown_channels", "puts", "put_errors",
                        "monitor_updates", "request_errors"})
    EXPECT_EQ(j[k], 0) << k;
}

}  // namespace
}  // namespace pva::server
