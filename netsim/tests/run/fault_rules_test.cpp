#include <gtest/gtest.h>

#include "netsim/fault_injector.h"
#include "netsim/scenario_loader.h"

namespace netsim {
namespace {

TEST(LossRules, DropBothDirectionsOnTheBridgePort) {
  std::string rules = loss_ruleset({{"nsv1p0", 30}, {"nsv2p0", 0}});
  EXPECT_NE(rules.find("iifname \"nsv1p0\" numgen random mod 100 < 30 drop"), std::string::npos);
  EXPECT_NE(rules.find("oifname \"nsv1p0\" numgen random mod 100 < 30 drop"), std::string::npos);
  EXPECT_EQ(rules.find("nsv2p0"), std::string::npos) << "0% means no rule";
  EXPECT_EQ(rules.find("table bridge netsim_loss {}\ndelete table bridge netsim_loss\n"), 0u)
      << "the file must replace the previous table atomically";
}

TEST(LossRules, HundredPercentIsAPlainDropBecauseNumgenStopsAt99) {
  std::string rules = loss_ruleset({{"nsv1p0", 100}});
  EXPECT_NE(rules.find("iifname \"nsv1p0\" drop"), std::string::npos);
  EXPECT_EQ(rules.find("< 100"), std::string::npos);
}

TEST(PartitionRules, DropForwardedTrafficBetweenTheTwoSubnets) {
  Scenario sc = parse_scenario("duration: 5\nsegments: [a, b]\n", "t.yaml");
  std::string rules = partition_ruleset(sc, {{"a", "b"}});
  EXPECT_NE(rules.find("ip saddr 198.18.1.0/24 ip daddr 198.18.2.0/24 drop"), std::string::npos);
  EXPECT_NE(rules.find("ip saddr 198.18.2.0/24 ip daddr 198.18.1.0/24 drop"), std::string::npos);
  EXPECT_EQ(partition_ruleset(sc, {}).find("drop"), std::string::npos);
  EXPECT_EQ(rules.find("ip6"), std::string::npos) << "IPv4-only segments get no IPv6 rule";
}

TEST(PartitionRules, CoverIpv6PrefixesAndSkipAFamilyOneSideLacks) {
  Scenario sc = parse_scenario(
      "duration: 5\nsegments: [{name: a, ipv6: true}, {name: b, ipv6: true}, "
      "{name: c, ipv4: false, ipv6: true}]\n",
      "t.yaml");
  std::string rules = partition_ruleset(sc, {{"a", "b"}, {"a", "c"}});
  EXPECT_NE(rules.find("ip6 saddr 2001:db8:1::/64 ip6 daddr 2001:db8:2::/64 drop"),
            std::string::npos);
  EXPECT_NE(rules.find("ip6 saddr 2001:db8:3::/64 ip6 daddr 2001:db8:1::/64 drop"),
            std::string::npos);
  EXPECT_NE(rules.find("ip saddr 198.18.1.0/24 ip daddr 198.18.2.0/24 drop"), std::string::npos);
  EXPECT_EQ(rules.find("198.18.3."), std::string::npos) << "c has no IPv4";
  EXPECT_EQ(rules.find("table inet netsim_partition {}"), 0u);
}

}  // namespace
}  // namespace netsim
