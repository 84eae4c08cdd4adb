// A startup burst (issue 7): a client with many PVs, or many clients after an IOC
// restart, puts hundreds of full-size searches on the wire within milliseconds. With
// default settings every one must reach the other segment byte for byte, source kept
// (netsim's deliver check: udp-send / udp-recv, every payload byte checked). And every
// way the relay can still lose one is counted under its own name: the negative
// controls shrink the capture ring or the mesh socket buffer on purpose.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

constexpr int kBurst = 1000;

// relay_a_args / relay_b_args: extra options for each relay (the negative controls).
std::string burst_scenario(const std::string& name, const std::string& relay_a_args,
                           const std::string& relay_b_args) {
  return two_segment_network(name) + relay_pair(relay_a_args, relay_b_args) +
         R"(  - {name: client, segments: [a]}
  - {name: server, segments: [b]}
expect:
  - deliver: )" +
         std::to_string(kBurst) +
         R"(              # back to back, 1337-byte payloads: pvxs' full-size search
    size: 1337
    from: client
    to: 198.18.1.255:5076
    receiver: server
    within: 8
  - {counter: capture_kernel_drops, process: relay-a, op: ">=", value: 0}
  - {counter: mesh_receive_overflows, process: relay-b, op: ">=", value: 0}
  - {counter: send_errors, process: relay-a, op: ">=", value: 0}
  - {counter: send_errors, process: relay-b, op: ">=", value: 0}
)";
}

struct Outcome {
  nlohmann::json deliver;
  double ring_drops_a = -1, overflows_b = -1, send_errors_a = -1, send_errors_b = -1;
};

Outcome outcome_of(const ScenarioRun& run) {
  const auto& x = run.report.at("expectations");
  Outcome o;
  o.deliver = x.at(0);
  o.ring_drops_a = x.at(1).at("figures").value("value", -1.0);
  o.overflows_b = x.at(2).at("figures").value("value", -1.0);
  o.send_errors_a = x.at(3).at("figures").value("value", -1.0);
  o.send_errors_b = x.at(4).at("figures").value("value", -1.0);
  return o;
}

TEST(Burst, AThousandFullSizeSearchesBackToBackAllArriveByteIdenticalWithDefaults) {
  const auto run = run_generated_scenario("burst", burst_scenario("burst", "", ""));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const Outcome o = outcome_of(run);
  const auto& f = o.deliver.at("figures");
  EXPECT_EQ(f.at("delivered"), kBurst) << run.summary();
  EXPECT_EQ(f.at("corrupt"), 0);
  EXPECT_EQ(f.at("duplicates"), 0);
  EXPECT_EQ(f.at("sources").size(), 1u) << "every datagram keeps the client's address and port";
  EXPECT_EQ(o.ring_drops_a, 0);
  EXPECT_EQ(o.overflows_b, 0);
  EXPECT_EQ(o.send_errors_a + o.send_errors_b, 0);
}

TEST(Burst, NegativeControlACaptureRingTooSmallLosesThemAsCaptureKernelDrops) {
  const auto run = run_generated_scenario(
      "burst-small-ring",
      burst_scenario("burst-small-ring", ", --capture-ring-frames, \"16\"", ""));
  ASSERT_EQ(run.exit_code, 1) << "the burst must not all arrive\n" << run.summary();
  const Outcome o = outcome_of(run);
  const auto& f = o.deliver.at("figures");
  EXPECT_EQ(o.deliver.at("verdict"), "FAIL") << run.summary();
  EXPECT_GT(f.at("lost").get<double>(), 0);
  EXPECT_EQ(f.at("sent"), kBurst) << "the client sent them all: the relay lost them";
  EXPECT_GT(o.ring_drops_a, 0) << "lost in relay-a's capture ring, and counted there\n"
                               << run.summary();
  EXPECT_EQ(o.overflows_b, 0);
}

TEST(Burst, NegativeControlATinyMeshBufferLosesThemAsMeshReceiveOverflows) {
  const auto run = run_generated_scenario(
      "burst-tiny-mesh", burst_scenario("burst-tiny-mesh", "", ", --mesh-socket-buffer, \"4096\""));
  ASSERT_EQ(run.exit_code, 1) << "the burst must not all arrive\n" << run.summary();
  const Outcome o = outcome_of(run);
  const auto& f = o.deliver.at("figures");
  EXPECT_EQ(o.deliver.at("verdict"), "FAIL") << run.summary();
  EXPECT_GT(f.at("lost").get<double>(), 0);
  EXPECT_GT(o.overflows_b, 0) << "lost in relay-b's mesh socket, and counted there\n"
                              << run.summary();
  EXPECT_EQ(o.ring_drops_a, 0);
  // Every datagram relay-b lost is one of its counted overflows.
  EXPECT_LE(f.at("lost").get<double>(), o.overflows_b) << run.summary();
}

}  // namespace
}  // namespace integration
