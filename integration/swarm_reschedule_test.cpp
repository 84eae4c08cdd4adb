// A relay task rescheduled to another node (issue 19): it comes back with a new
// address, Docker's embedded DNS (netsim's stand-in) follows, and the relays that
// stayed find it again at their next refresh of tasks.<service> (every 10 s): discovery
// works again within two refreshes and the old address leaves every peer list. The
// control gives the relays fixed peers instead of SERVICENAME: the move then breaks
// discovery for good, so what brings it back above is DNS following the task.
//
// relay1 on node1 beside the server; relay2 on node2 moves to node3 at 1 s, where the
// client is: before the move node3 has no relay and finds nothing.
#include <gtest/gtest.h>

#include "support/scenario_run.h"
#include "support/swarm_scenario.h"

namespace integration {
namespace {

// snowsignal looks tasks.<service> up every 10 s in the background and uses what the
// previous lookup brought back: a move shows in its peers at the second refresh after
// it at the latest. pva-client searches again at most every 4 s.
constexpr double kTwoRefreshes = 20;
constexpr double kSearchPeriod = 4;

// The relays' env: line without SERVICENAME (peers fixed instead).
std::string without_service_name(std::string yaml) {
  for (auto at = yaml.find("SERVICENAME: snowsignal"); at != std::string::npos;
       at = yaml.find("SERVICENAME: snowsignal"))
    yaml.replace(at, 23, "NO_SERVICENAME: x");
  return yaml;
}

std::string scenario(bool dns) {
  std::string yaml = swarm_network(dns ? "swarm-reschedule" : "swarm-reschedule-static", 30);
  if (dns) {
    yaml += swarm_relays({1, 2});
  } else {
    // The same relays with their peers fixed at the start: relay2 is 198.19.1.3.
    yaml += without_service_name(swarm_relays({1}, ", --other-relays, \"198.19.1.3\"") +
                                 swarm_relays({2}, ", --other-relays, \"198.19.1.2\""));
  }
  yaml += swarm_task("ioc1", 1, "--pv, \"MOVED:PV=8\"") + swarm_task("desk3", 3);
  yaml += R"(timeline:
  - {at: 1, reschedule: relay2, to: node3}
expect:
  - {no_discover: MOVED:PV, client: desk3, within: 0.9, at: 0}
  - {discover: MOVED:PV, client: desk3, from: ioc1, value: 8, within: 25, at: 1.2}
  - {counter: peers, process: relay1, op: "==", value: 1}
)";
  return yaml;
}

TEST(SwarmReschedule, ARescheduledRelayIsFoundAgainWithinTwoDnsRefreshesAndItsOldAddressLeaves) {
  const auto run = run_generated_scenario("swarm-reschedule", scenario(true));
  expect_all_pass_with_no_discover(run);
  // Swarm's allocator: the next address after the highest handed out (desk3's .5).
  const auto& events = run.report.at("timeline");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].at("detail").get<std::string>().find("(198.19.1.3) to node3 (198.19.1.6)"),
            std::string::npos)
      << events.dump();
  const auto& found = run.report.at("expectations").at(1);
  EXPECT_LE(found.at("figures").at("slowest_seconds").get<double>(), kTwoRefreshes + kSearchPeriod)
      << found.dump();
  // The old address left every peer list, the new one is in relay1's.
  EXPECT_EQ(read_json(run.stats("relay1")).at("peers"), nlohmann::json::array({"198.19.1.6"}));
  EXPECT_EQ(read_json(run.stats("relay2")).at("peers"), nlohmann::json::array({"198.19.1.2"}));
  // Until relay1 re-resolved, relay2's mesh datagrams came from an unknown address.
  EXPECT_GE(read_json(run.stats("relay1")).at("dropped").value("unknown_peer", 0), 1);
}

TEST(SwarmReschedule, NegativeControlWithFixedPeersTheMovedRelayIsNeverFoundAgain) {
  const auto run = run_generated_scenario("swarm-reschedule-static", scenario(false));
  EXPECT_EQ(run.exit_code, 1) << run.summary();
  EXPECT_EQ(run.report.at("expectations").at(1).at("verdict"), "FAIL") << run.summary();
  EXPECT_EQ(read_json(run.stats("relay1")).at("peers"), nlohmann::json::array({"198.19.1.3"}));
  EXPECT_GE(read_json(run.stats("relay1")).at("dropped").value("unknown_peer", 0), 1);
}

}  // namespace
}  // namespace integration
