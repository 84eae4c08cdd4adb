// Negative controls: the same kind of network where discovery must fail. Without them a
// suite that always passes would prove nothing. Each no_discover expectation also
// requires that the client really sent searches.
#include <gtest/gtest.h>

#include "support/scenario_run.h"

namespace integration {
namespace {

void expect_only_passes(const ScenarioRun& run) {
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  bool has_negative = false;
  for (const auto& e : run.report.at("expectations")) {
    EXPECT_EQ(e.at("verdict"), "PASS") << run.summary();
    has_negative = has_negative || e.at("kind") == "no_discover";
  }
  EXPECT_TRUE(has_negative) << "scenario has no no_discover expectation";
}

TEST(NegativeControl, WithoutRelaysTheClientDoesNotDiscoverAcrossTheRouter) {
  expect_only_passes(run_scenario(scenario_file("no-relay.yaml")));
}

TEST(NegativeControl, RelayPeeredWithAnAddressWhereNoRelayRunsDoesNotDiscover) {
  expect_only_passes(run_scenario(scenario_file("integration/wrong-peer.yaml")));
}

TEST(NegativeControl, RelaysListeningOnTheWrongBroadcastPortDoNotDiscover) {
  expect_only_passes(run_scenario(scenario_file("integration/wrong-port.yaml")));
}

}  // namespace
}  // namespace integration
