// A relay killed and restarted: the mesh heals without touching the other relay.
#include <gtest/gtest.h>

#include "support/scenario_run.h"

namespace integration {
namespace {

TEST(Resilience, KilledRelayRestartedDiscoveryReturnsWithin5sWithoutRestartingItsPeer) {
  // relay-restart.yaml: discovery at 0 s; relay-b SIGKILLed at 4 s; no discovery at
  // 5 s (proves the kill took); relay-b restarted at 9 s; discovery within 5 s at 10 s.
  const auto run = run_scenario(scenario_file("relay-restart.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(count_occurrences(read_text(run.log("relay-b")), "relay ready:"), 2u)
      << "relay-b should have started twice";
  EXPECT_EQ(count_occurrences(read_text(run.log("relay-a")), "relay ready:"), 1u)
      << "relay-a must keep running through its peer's restart";
}

}  // namespace
}  // namespace integration
