// Beyond discovery: PV values read and monitored across the relays with netsim's fake
// PVA peers, and a monitor that survives a server restart only because the relays
// carry the client's new searches (negative control: relays gone, it does not).
#include <gtest/gtest.h>

#include <algorithm>

#include "support/scenario_run.h"

namespace integration {
namespace {

const nlohmann::json& expectation(const ScenarioRun& run, const std::string& kind) {
  for (const auto& e : run.report.at("expectations"))
    if (e.at("kind") == kind) return e;
  throw std::runtime_error("no " + kind + " expectation in the report");
}

bool any_starts_with(const nlohmann::json& list, const std::string& prefix) {
  return std::any_of(list.begin(), list.end(), [&](const nlohmann::json& item) {
    return item.get<std::string>().rfind(prefix, 0) == 0;
  });
}

TEST(PvaValues, ValueReadAcrossTwoSegmentsAndMonitorResumesAfterTheServerRestarts) {
  // pva-values.yaml: GET at 0 s (value 42); MONITOR from 0 s for 6 s; the server on b
  // restarts at 2.5 s.
  const auto run = run_scenario(scenario_file("integration/pva-values.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(run.report.at("passed"), 2) << run.summary();
  const auto& m = expectation(run, "monitor").at("figures");
  EXPECT_EQ(m.at("reconnects"), 1);
  EXPECT_GE(m.at("updates_since_reconnect").get<int>(), 1);
  EXPECT_EQ(count_occurrences(read_text(run.log("pva-server")), "pva-server ready:"), 2u);
  // The stats file is the restarted server's: the client's new search reached it from
  // segment a (only the relays carry it there) and the client reconnected by TCP.
  const auto s = read_json(run.stats("pva-server"));
  EXPECT_TRUE(any_starts_with(s.at("search_sources"), "198.18.1.10:")) << s.dump();
  EXPECT_TRUE(any_starts_with(s.at("tcp_peers"), "198.18.1.10")) << s.dump();
  EXPECT_GE(s.at("monitor_updates").get<int>(), 1) << s.dump();
}

TEST(PvaValues, ValueReadAndMonitoredAcrossThreeSegments) {
  const auto run = run_scenario(scenario_file("integration/pva-values-three.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(run.report.at("passed"), 2) << run.summary();
  const auto s = read_json(run.stats("server-c"));
  EXPECT_TRUE(any_starts_with(s.at("tcp_peers"), "198.18.1.")) << s.dump();  // the GET
  EXPECT_TRUE(any_starts_with(s.at("tcp_peers"), "198.18.2.")) << s.dump();  // the monitor
}

TEST(NegativeControl, WithoutRelaysAMonitorDoesNotResumeAfterTheServerRestarts) {
  // pva-values-no-relay.yaml: as pva-values.yaml, but both relays are killed at 2 s.
  const auto run = run_scenario(scenario_file("integration/pva-values-no-relay.yaml"));
  EXPECT_EQ(run.exit_code, 1) << run.summary();
  EXPECT_EQ(expectation(run, "discover").at("verdict"), "PASS") << run.summary();
  const auto& m = expectation(run, "monitor");
  ASSERT_EQ(m.at("verdict"), "FAIL") << run.summary();
  // It did work while the relays ran, then never came back.
  EXPECT_GE(m.at("figures").at("updates").get<int>(), 2) << run.summary();
  EXPECT_EQ(m.at("figures").at("reconnects"), 0) << run.summary();
  EXPECT_EQ(m.at("figures").at("updates_since_reconnect"), 0) << run.summary();
  const auto s = read_json(run.stats("pva-server"));
  EXPECT_EQ(s.at("searches_received"), 0) << s.dump();
}

}  // namespace
}  // namespace integration
