#include "snowsignal/net_types.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace snowsignal
