#include "netsim/ipv4.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

TEST(Ipv4, ParsesAndFormatsDottedQuads) {
  auto a = parse_ipv4("198.18.1.10");
  ASSERT_TRUE(a);
  EXPECT_EQ(to_string(*a), "198.18.1.10");
  EXPECT_FALSE(parse_ipv4("198.18.1"));
  EXPECT_FALSE(parse_ipv4("198.18.1.256"));
  EXPECT_FALSE(parse_ipv4("198.18.1.x"));
  EXPECT_FALSE(parse_ipv4(""));
}

TEST(Subnet, RejectsHostBitsAndBadPrefixes) {
  EXPECT_TRUE(parse_subnet("198.18.1.0/24"));
  EXPECT_FALSE(parse_subnet("198.18.1.5/24"));
  EXPECT_FALSE(parse_subnet("198.18.1.0/33"));
  EXPECT_FALSE(parse_subnet("198.18.1.0"));
}

TEST(Subnet, KnowsBroadcastHostsAndOverlap) {
  Subnet s = *parse_subnet("198.18.2.0/24");
  EXPECT_EQ(to_string(s.broadcast()), "198.18.2.255");
  EXPECT_EQ(s.host_count(), 254u);
  EXPECT_EQ(to_string(s.host(1)), "198.18.2.1");
  EXPECT_TRUE(s.overlaps(*parse_subnet("198.18.0.0/16")));
  EXPECT_FALSE(s.overlaps(*parse_subnet("198.18.3.0/24")));
}

TEST(BenchmarkSpace, IsExactly198_18Slash15) {
  EXPECT_TRUE(benchmark_space().contains(*parse_ipv4("198.18.0.1")));
  EXPECT_TRUE(benchmark_space().contains(*parse_ipv4("198.19.255.254")));
  EXPECT_FALSE(benchmark_space().contains(*parse_ipv4("198.20.0.1")));
  EXPECT_FALSE(benchmark_space().contains(*parse_ipv4("10.0.0.1")));
}

}  // namespace
}  // namespace netsim
