// Server beacons are UDP broadcasts to 5076 like searches and must be relayed the same
// way; a segment without a relay is the control.
#include <gtest/gtest.h>

#include <pva/header.h>
#include <pva/udp_datagram.h>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

std::size_t beacons_from(const std::vector<BroadcastDatagram>& datagrams,
                         const std::string& source) {
  std::size_t n = 0;
  for (const auto& d : datagrams) {
    if (d.ip_source != source) continue;
    const auto messages = pva::decode_udp_datagram(d.payload);
    if (!messages) continue;
    for (const auto& m : *messages)
      if (m.header.command == pva::command::kBeacon) ++n;
  }
  return n;
}

TEST(Beacons, ServerBeaconsReachTheRelayedSegmentAndNotTheOneWithoutARelay) {
  const auto run = run_scenario(scenario_file("integration/beacons.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const auto on_b = beacons_from(broadcasts_in(run.pcap("b")), "198.18.2.20");
  const auto on_a = beacons_from(broadcasts_in(run.pcap("a")), "198.18.2.20");
  const auto on_c = beacons_from(broadcasts_in(run.pcap("c")), "198.18.2.20");
  EXPECT_GE(on_b, 4u) << "the server did not beacon as configured";
  EXPECT_GE(on_a, 4u) << "beacons were not relayed to segment a";
  EXPECT_LE(on_a, on_b) << "more beacons on a than the server sent";
  EXPECT_EQ(on_c, 0u) << "segment c has no relay; beacons must not reach it";
}

}  // namespace
}  // namespace integration
