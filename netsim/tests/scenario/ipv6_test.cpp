#include "netsim/ipv6.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

TEST(Ipv6, ParsesAndFormatsCanonicalText) {
  auto a = parse_ipv6("2001:0db8:0001:0000:0000:0000:0000:0010");
  ASSERT_TRUE(a);
  EXPECT_EQ(to_string(*a), "2001:db8:1::10");
  EXPECT_FALSE(parse_ipv6("198.18.1.10"));
  EXPECT_FALSE(parse_ipv6("2001:db8::g"));
  EXPECT_FALSE(parse_ipv6("fe80::1%eth0"));
  EXPECT_FALSE(parse_ipv6(""));
}

TEST(Subnet6, RejectsBitsBelowThePrefixAndBadLengths) {
  EXPECT_TRUE(parse_subnet6("2001:db8:1::/64"));
  EXPECT_FALSE(parse_subnet6("2001:db8:1::5/64"));
  EXPECT_FALSE(parse_subnet6("2001:db8:1::/129"));
  EXPECT_FALSE(parse_subnet6("2001:db8:1::/"));
  EXPECT_FALSE(parse_subnet6("2001:db8:1::/6x"));
  EXPECT_FALSE(parse_subnet6("2001:db8:1::"));
  EXPECT_FALSE(parse_subnet6("198.18.1.0/24"));
}

TEST(Subnet6, NumbersHostsInTheInterfaceIdAndKnowsOverlap) {
  Subnet6 s = *parse_subnet6("2001:db8:2::/64");
  EXPECT_EQ(to_string(s.host(1)), "2001:db8:2::1");
  EXPECT_EQ(to_string(s.host(0x10)), "2001:db8:2::10");
  EXPECT_EQ(to_string(s.host(0x1a)), "2001:db8:2::1a");
  EXPECT_EQ(s.max_host(), ~std::uint64_t{0});
  EXPECT_EQ(parse_subnet6("2001:db8:2::/120")->max_host(), 255u);
  EXPECT_TRUE(s.contains(*parse_ipv6("2001:db8:2::ffff")));
  EXPECT_FALSE(s.contains(*parse_ipv6("2001:db8:3::1")));
  EXPECT_TRUE(s.overlaps(*parse_subnet6("2001:db8::/32")));
  EXPECT_TRUE(parse_subnet6("2001:db8::/32")->overlaps(s));
  EXPECT_FALSE(s.overlaps(*parse_subnet6("2001:db8:3::/64")));
}

TEST(DocumentationSpace6, IsExactly2001Db8Slash32) {
  EXPECT_TRUE(documentation_space6().contains(*parse_ipv6("2001:db8::1")));
  EXPECT_TRUE(documentation_space6().contains(*parse_ipv6("2001:db8:ffff:ffff::1")));
  EXPECT_FALSE(documentation_space6().contains(*parse_ipv6("2001:db9::1")));
  EXPECT_FALSE(documentation_space6().contains(*parse_ipv6("fe80::1")));
}

TEST(DefaultSubnet6, ReadsTheSegmentNumberAsTheThirdGroup) {
  EXPECT_EQ(to_string(default_subnet6(1)), "2001:db8:1::/64");
  EXPECT_EQ(to_string(default_subnet6(12)), "2001:db8:12::/64");
  EXPECT_EQ(to_string(default_subnet6(255)), "2001:db8:255::/64");
}

}  // namespace
}  // namespace netsim
