// Two relays on each of two segments, all four peered with each other: what a Docker
// Swarm service with two replicas per node network gives. The promise (README): each
// broadcast reaches every other segment at most once per relay on that segment, never
// returns to its origin segment, and cannot loop. With de-duplication off (SnowSignal
// 0.1.1 behaviour) the same topology loops, which is the control that the bound is real.
#include <gtest/gtest.h>

#include <map>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

std::string scenario(int dedup_window_ms) {
  const std::string window = std::to_string(dedup_window_ms);
  std::string yaml = two_segment_network("duplicate-relays");
  const std::map<std::string, std::string> relays = {{"relay-a1", "a, address: 198.18.1.2"},
                                                     {"relay-a2", "a, address: 198.18.1.3"},
                                                     {"relay-b1", "b, address: 198.18.2.2"},
                                                     {"relay-b2", "b, address: 198.18.2.3"}};
  for (const auto& [name, where] : relays) {
    std::string peers;
    for (const auto& other : relays)
      if (other.first != name) peers += ", \"${" + other.first + "}\"";
    yaml += "  - name: " + name + "\n    segments: [{segment: " + where + "}]\n" +
            "    processes:\n      - command: [snowsignal, -t, eth0, --dedup-window-ms, \"" +
            window + "\", --stats-file, \"${stats}\", --other-relays" + peers +
            "]\n        ready: \"relay ready:\"\n";
  }
  yaml += R"(  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --pv, "B:PV", --beacon-interval, "0"]
        ready: "pva-server ready:"
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
expect:
  - {discover: B:PV, from: server, client: client, within: 3}
  - {max_copies: 2, segment: b}
  - {max_copies: 2, segment: a}
)";
  return yaml;
}

TEST(DuplicateRelays, CopiesPerSegmentStayWithinOnePerRelayAndNoneReturnToTheOrigin) {
  const auto run = run_generated_scenario("duplicate-relays", scenario(500));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  // The client's own segment sees each of its searches exactly once: the original.
  std::map<std::vector<std::uint8_t>, int> copies_on_a;
  for (const auto& d : broadcasts_in(run.pcap("a")))
    if (d.ip_source == "198.18.1.30") ++copies_on_a[d.payload];
  ASSERT_FALSE(copies_on_a.empty());
  for (const auto& [payload, n] : copies_on_a) EXPECT_EQ(n, 1) << "a search came back to a";
}

TEST(DuplicateRelays, WithoutDeduplicationTheSameTopologyLoopsPastTheBound) {
  const auto run = run_generated_scenario("duplicate-relays-nodedup", scenario(0));
  EXPECT_EQ(run.exit_code, 1) << run.summary();
  bool over_bound = false;
  for (const auto& e : run.report.at("expectations"))
    if (e.at("kind") == "max_copies" && e.at("verdict") == "FAIL") over_bound = true;
  EXPECT_TRUE(over_bound) << run.summary();
}

}  // namespace
}  // namespace integration
