// IPv6 multicast (issue 9, part 1): python-can's IPv6 group across two segments through
// a relay pair, hop limit 1 kept, another group not carried, and 60 000-byte datagrams
// (IPv6 fragment header on both segments) arriving byte-identical. One shipped scenario
// (fixtures/scenarios/ipv6-multicast.yaml); its negative control is the same scenario
// without --multicast, which must fail exactly the deliveries the relay is for.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/scenario_run.h"

namespace integration {
namespace {

constexpr const char* kGroupArg =
    "--multicast, \"[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113\",";

// The verdicts of the scenario's checks, in order.
std::vector<std::string> verdicts(const ScenarioRun& run) {
  std::vector<std::string> out;
  for (const auto& e : run.report.at("expectations")) out.push_back(e.at("verdict"));
  return out;
}

TEST(Ipv6Multicast, GroupCrossesBothWaysWithHopLimitOneAndLargeDatagramsArriveIntact) {
  const auto run = run_scenario(scenario_file("ipv6-multicast.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(verdicts(run), std::vector<std::string>(6, "PASS")) << run.summary();
}

TEST(Ipv6Multicast, NegativeControlWithoutTheGroupConfiguredNothingCrosses) {
  std::string text = read_text(scenario_file("ipv6-multicast.yaml"));
  std::size_t removed = 0;
  for (std::size_t pos = text.find(kGroupArg); pos != std::string::npos;
       pos = text.find(kGroupArg)) {
    text.erase(pos, std::string(kGroupArg).size());
    ++removed;
  }
  ASSERT_EQ(removed, 2u);
  const auto run = run_generated_scenario("ipv6-multicast-unconfigured", text);
  // Both directions and the large datagrams fail; the unconfigured group still does not
  // cross (a pass), and without datagrams to carry the counters stay at 0.
  EXPECT_EQ(verdicts(run),
            (std::vector<std::string>{"FAIL", "FAIL", "PASS", "FAIL", "FAIL", "FAIL"}))
      << run.summary();
}

}  // namespace
}  // namespace integration
