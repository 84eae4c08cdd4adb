// More than PVAccess on 5076 (issue 8): several broadcast ports through one relay pair,
// an IPv4 multicast group, and datagrams larger than the MTU. Each scenario is shipped
// in fixtures/scenarios and run as is; its negative control is the same scenario with
// the feature's flag taken out of the relays' command lines, which must then fail
// exactly the expectations the feature is responsible for.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

// Verdicts of the deliver expectations, keyed by their destination ("to").
std::map<std::string, std::string> deliver_verdicts(const ScenarioRun& run) {
  std::map<std::string, std::string> verdicts;
  for (const auto& e : run.report.at("expectations")) {
    if (e.at("kind") != "deliver") continue;
    const std::string text = e.dump();
    for (const char* to : {"198.18.1.255:5064", "198.18.1.255:5065", "198.18.1.255:5066",
                           "239.74.163.2:43113", "239.74.163.3:43113"}) {
      if (text.find(to) != std::string::npos) verdicts[to] += e.at("verdict").get<std::string>();
    }
  }
  return verdicts;
}

TEST(TrafficKinds, PvaAndChannelAccessPortsCrossThroughOneRelayPairAndOtherPortsDoNot) {
  expect_all_pass(run_scenario(scenario_file("ca-and-pva.yaml")));
}

TEST(TrafficKinds, NegativeControlRelaysOnTheDefaultPortAloneCarryNoChannelAccess) {
  const auto run = run_generated_scenario(
      "ca-and-pva-5076-only", fixture_with_replaced("ca-and-pva.yaml", "\"5076,5064,5065\"", "\"5076\""));
  const auto verdicts = deliver_verdicts(run);
  EXPECT_EQ(verdicts.at("198.18.1.255:5064"), "FAIL") << run.summary();
  EXPECT_EQ(verdicts.at("198.18.1.255:5065"), "FAIL") << run.summary();
  EXPECT_EQ(verdicts.at("198.18.1.255:5066"), "PASS") << run.summary();
  EXPECT_EQ(run.report.at("expectations").at(0).at("verdict"), "PASS") << "PVA still works";
}

TEST(TrafficKinds, MulticastGroupCrossesBothWaysWithTtlOneKeptAndOtherGroupsDoNot) {
  expect_all_pass(run_scenario(scenario_file("multicast-group.yaml")));
}

TEST(TrafficKinds, NegativeControlWithoutMulticastConfiguredTheGroupStaysOnItsSegment) {
  const auto run = run_generated_scenario(
      "multicast-group-unconfigured",
      fixture_with_replaced("multicast-group.yaml", "--multicast, \"239.74.163.2:43113\",", ""));
  const auto verdicts = deliver_verdicts(run);
  EXPECT_EQ(verdicts.at("239.74.163.2:43113"), "FAILFAIL") << run.summary();
  EXPECT_EQ(verdicts.at("239.74.163.3:43113"), "PASS") << run.summary();
}

TEST(TrafficKinds, SixtyThousandByteMulticastIsFragmentedOnBothSegmentsAndArrivesIntact) {
  const auto run = run_scenario(scenario_file("multicast-large.yaml"));
  expect_all_pass(run);
  // 20 datagrams of 60 008 UDP bytes: 41 fragments each on a, sent by the client, and
  // 41 again on b, made by relay-b, each a valid IPv4 fragment within the 1500 MTU.
  // (The segment capture is a best-effort libpcap tap that misses frames in bursts of
  // 820: what arrived is judged by udp-recv above; here, what the fragments look like.)
  for (const char* segment : {"a", "b"}) {
    std::map<std::string, std::size_t> by_sender;
    std::size_t later = 0;  // fragments after the first: offset > 0
    for (const Ipv4Fragment& f : fragments_in(run.pcap(segment), "239.74.163.2")) {
      ++by_sender[f.source_mac];
      EXPECT_LE(f.ip_total_length, 1500u);
      EXPECT_TRUE(f.ip_checksum_ok);
      EXPECT_EQ(f.ip_source, "198.18.1.10");
      EXPECT_EQ(f.offset % 8, 0u);
      if (f.offset > 0) ++later;
    }
    ASSERT_EQ(by_sender.size(), 1u) << "segment " << segment << ": one sender of fragments";
    EXPECT_LE(by_sender.begin()->second, 20u * 41) << "segment " << segment;
    EXPECT_GE(later, 1u) << "segment " << segment;
  }
}

// The negative control of the one above: datagrams that miss fragments never cross,
// and each is counted.
TEST(TrafficKinds, DatagramsMissingFragmentsAreCountedAndNeverEmitted) {
  expect_all_pass(run_scenario(scenario_file("multicast-lost-fragment.yaml")));
}

}  // namespace
}  // namespace integration
