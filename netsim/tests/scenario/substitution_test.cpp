#include "netsim/substitution.h"

#include <gtest/gtest.h>

#include "netsim/scenario_loader.h"

namespace netsim {
namespace {

const char* kTwoHomed = R"(
name: t
duration: 5
segments: [a, b]
routers:
  - name: r
    segments: [a, b]
hosts:
  - name: relay-b
    segments: [b]
  - name: multi
    segments: [a, {segment: b, address: 198.18.2.99}]
)";

TEST(Substitution, HostNameIsItsFirstAddress) {
  Scenario sc = parse_scenario(kTwoHomed, "t.yaml");
  EXPECT_EQ(substitute("--other-relays ${relay-b}", run_variables(sc, "/l", "p")),
            "--other-relays 198.18.2.10");
}

TEST(Substitution, InterfaceAndSegmentSuffixesPickOneAddress) {
  Scenario sc = parse_scenario(kTwoHomed, "t.yaml");
  auto vars = run_variables(sc, "/l", "p");
  EXPECT_EQ(substitute("${multi.eth1}", vars), "198.18.2.99");
  EXPECT_EQ(substitute("${multi.b}", vars), "198.18.2.99");
  EXPECT_EQ(substitute("${multi.a}", vars), "198.18.1.10");
  EXPECT_EQ(substitute("${r.b}", vars), "198.18.2.1");
}

TEST(Substitution, LogsAndStatsNameRunFiles) {
  Scenario sc = parse_scenario(kTwoHomed, "t.yaml");
  auto vars = run_variables(sc, "/tmp/logs", "relay-b");
  EXPECT_EQ(substitute("${logs}/x ${stats}", vars), "/tmp/logs/x /tmp/logs/relay-b.stats.json");
}

TEST(Substitution, DollarDollarIsALiteralDollar) {
  EXPECT_EQ(substitute("cost $$5 ${x}",
                       [](const std::string&) { return std::optional<std::string>("y"); }),
            "cost $5 y");
  EXPECT_EQ(substitute("plain $ sign", [](const std::string&) { return std::nullopt; }),
            "plain $ sign");
}

TEST(Substitution, UnknownOrUnterminatedVariableThrows) {
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  EXPECT_THROW(substitute("${nope}", none), SubstitutionError);
  EXPECT_THROW(substitute("${open", none), SubstitutionError);
}

}  // namespace
}  // namespace netsim
