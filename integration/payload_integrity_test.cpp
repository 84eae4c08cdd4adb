// Search datagrams larger than SnowSignal's 1024-byte read, up to the largest an
// unfragmented IPv4 datagram carries on a 1500-byte MTU, must reach the other segment
// byte for byte, with the client's IP source and UDP port kept and valid checksums.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

// A SEARCH with one channel whose name is >= 254 bytes is 50 bytes plus the name: 8
// header, 4 sequence, 1 flags, 3 reserved, 16 address, 2 port, 5 protocols ("tcp"),
// 2 channel count, 4 channel id, 5 name size (0xFE + u32).
constexpr std::size_t kSearchOverhead = 50;

std::string pv_name_for_datagram(std::size_t datagram_bytes) {
  std::string name = "BIG:" + std::to_string(datagram_bytes) + ":";
  name.resize(datagram_bytes - kSearchOverhead, 'x');
  return name;
}

std::string scenario_for(const std::string& pv, std::size_t datagram_bytes) {
  return two_segment_network("payload-" + std::to_string(datagram_bytes)) + relay_pair() +
         R"(  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --beacon-interval, "0", --pv, ")" +
         pv + R"("]
        ready: "pva-server ready:"
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
expect:
  - discover: ")" +
         pv + R"("
    from: server
    client: client
    within: 5
    args: [--max-datagram, ")" +
         std::to_string(datagram_bytes) + R"("]
    min_datagram_bytes: )" +
         std::to_string(datagram_bytes) + "\n";
}

class LargeSearch : public ::testing::TestWithParam<std::size_t> {};

TEST_P(LargeSearch, ArrivesOnTheOtherSegmentByteIdenticalWithSourceKept) {
  const std::size_t size = GetParam();
  const std::string pv = pv_name_for_datagram(size);
  const auto run = run_generated_scenario("payload", scenario_for(pv, size));
  ASSERT_EQ(run.exit_code, 0) << run.summary();

  std::size_t originals = 0;
  const auto on_b = broadcasts_in(run.pcap("b"));
  for (const auto& sent : broadcasts_in(run.pcap("a"))) {
    if (sent.ip_source != "198.18.1.30") continue;
    ASSERT_EQ(sent.payload.size(), size) << "the client's search is not the size under test";
    ++originals;
    bool found = false;
    for (const auto& relayed : on_b) {
      if (relayed.payload != sent.payload || relayed.udp_source_port != sent.udp_source_port)
        continue;
      found = true;
      EXPECT_EQ(relayed.ip_source, "198.18.1.30");
      EXPECT_EQ(relayed.ip_destination, "198.18.2.255");
      EXPECT_NE(relayed.source_mac, sent.source_mac) << "relay must send with its own MAC";
      EXPECT_TRUE(relayed.ip_checksum_ok);
      EXPECT_TRUE(relayed.udp_checksum_ok);
    }
    EXPECT_TRUE(found) << "a " << size << "-byte search never reached segment b intact";
  }
  EXPECT_GE(originals, 1u);
}

// 1400: above SnowSignal's 1024-byte read; 1472: 1500-byte MTU minus IPv4 and UDP
// headers, whose mesh datagram (2 + 1514 bytes) is itself fragmented between relays.
INSTANTIATE_TEST_SUITE_P(Bytes, LargeSearch, ::testing::Values(1400u, 1472u));

}  // namespace
}  // namespace integration
