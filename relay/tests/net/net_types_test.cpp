#include "snowsignal/net_types.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace snowsignal {
namespace {

Ipv4Address ip(const char* dotted) {
  return *Ipv4Address::parse(dotted);
}

TEST(SegmentBroadcast, UsesTheKernelsConfiguredBroadcast) {
  EXPECT_EQ(segment_broadcast(ip("198.18.1.2"), ip("255.255.255.0"), ip("198.18.1.255")),
            ip("198.18.1.255"));
}

TEST(SegmentBroadcast, DerivesTheDirectedBroadcastWhenNoneIsConfigured) {
  // `ip addr add 198.18.7.2/24` without `brd +` leaves the broadcast unset.
  EXPECT_EQ(segment_broadcast(ip("198.18.7.2"), ip("255.255.255.0"), ip("0.0.0.0")),
            ip("198.18.7.255"));
  EXPECT_EQ(segment_broadcast(ip("198.18.4.9"), ip("255.255.254.0"), ip("0.0.0.0")),
            ip("198.18.5.255"));
}

TEST(SegmentBroadcast, TreatsABroadcastEqualToTheAddressAsUnset) {
  // libtins reports the interface's own address when the kernel has no broadcast.
  EXPECT_EQ(segment_broadcast(ip("198.18.8.130"), ip("255.255.255.192"), ip("198.18.8.130")),
            ip("198.18.8.191"));
}

TEST(IpAddress, HoldsIpv4AsMappedSoBothFamiliesAreOneValue) {
  const auto v4 = IpAddress::parse("198.18.1.2");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->v4(), ip("198.18.1.2"));
  EXPECT_EQ(*v4, IpAddress::from_v4(ip("198.18.1.2")));
  EXPECT_EQ(*v4, *IpAddress::parse("::ffff:198.18.1.2"));  // what a dual-stack socket reports
  EXPECT_EQ(v4->to_string(), "198.18.1.2");
}

TEST(IpAddress, ParsesAndPrintsIpv6InTheCanonicalForm) {
  const auto v6 = IpAddress::parse("2001:0db8:0002:0000:0000:0000:0000:0002");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_v4());
  EXPECT_EQ(v6->to_string(), "2001:db8:2::2");
  EXPECT_EQ(IpAddress::parse("ff15:7079:7468:6f6e:6465:6d6f:6d63:6173")->to_string(),
            "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173");
}

TEST(IpAddress, RefusesWhatIsNotOneAddress) {
  for (const char* text : {"", "198.18.1", "198.18.1.256", "[2001:db8::1]", "2001:db8::1%eth0",
                           "2001:db8:::1", "2001:db8::1::2", "relay-b", "1:2:3:4:5:6:7:8:9"})
    EXPECT_FALSE(IpAddress::parse(text)) << text;
}

TEST(IpAddress, OrdersAndJoinsForLogLines) {
  std::vector<IpAddress> peers{*IpAddress::parse("2001:db8:2::2"), *IpAddress::parse("198.18.3.2")};
  std::sort(peers.begin(), peers.end());
  EXPECT_EQ(join(peers), "198.18.3.2, 2001:db8:2::2");  // mapped IPv4 sorts first (::ffff:...)
}

TEST(Ipv6Multicast, MapsGroupsToTheirEthernetAddressAndScope) {
  const IpAddress group = *IpAddress::parse("ff15:7079:7468:6f6e:6465:6d6f:6d63:6173");
  EXPECT_TRUE(is_ipv6_multicast(group));
  EXPECT_FALSE(is_ipv6_multicast(*IpAddress::parse("2001:db8::1")));
  EXPECT_FALSE(is_ipv6_multicast(*IpAddress::parse("255.255.255.255")));
  EXPECT_EQ(ipv6_multicast_scope(group), 5U);
  EXPECT_EQ(ipv6_multicast_scope(*IpAddress::parse("ff02::1")), 2U);
  EXPECT_EQ(multicast_mac(group).to_string(), "33:33:6d:63:61:73");
}

}  // namespace
}  // namespace snowsignal
