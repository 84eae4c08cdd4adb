// Negative controls: the same kind of network where discovery must fail. Without them a
// suite that always passes would prove nothing. Each no_discover expectation also
// requires that the client really sent searches.
#include <gtest/gtest.h>

#include "support/scenario_run.h"

namespace integration {
namespace {

TEST(NegativeControl, WithoutRelaysTheClientDoesNotDiscoverAcrossTheRouter) {
  expect_all_pass_with_no_discover(run_scenario(scenario_file("no-relay.yaml")));
}

TEST(NegativeControl, RelayPeeredWithAnAddressWhereNoRelayRunsDoesNotDiscover) {
  expect_all_pass_with_no_discover(run_scenario(scenario_file("integration/wrong-peer.yaml")));
}

TEST(NegativeControl, RelaysListeningOnTheWrongBroadcastPortDoNotDiscover) {
  expect_all_pass_with_no_discover(run_scenario(scenario_file("integration/wrong-port.yaml")));
}

}  // namespace
}  // namespace integration
