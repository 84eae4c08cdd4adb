// Reading an error-queue entry: which ones mean "the peer cannot be reached", and the
// words the log and the stats use for them.
#include "mesh_error.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

const IpAddress kPeer = peer_ip(0xC6120302);    // 198.18.3.2
const IpAddress kRouter = peer_ip(0xC6120301);  // 198.18.3.1

MeshError icmp(std::uint8_t type, std::uint8_t code, IpAddress reporter = kPeer) {
  return MeshError{kPeer, reporter, MeshError::Origin::kIcmp, type, code, ECONNREFUSED};
}

TEST(MeshError, PortUnreachableFromThePeerItselfIsNamedPlainly) {
  EXPECT_EQ(unreachable_reason(icmp(3, 3)), "ICMP port unreachable");
}

TEST(MeshError, HostAndNetUnreachableNameTheRouterThatSentThem) {
  EXPECT_EQ(unreachable_reason(icmp(3, 1, kRouter)), "ICMP host unreachable from 198.18.3.1");
  EXPECT_EQ(unreachable_reason(icmp(3, 0, kRouter)), "ICMP net unreachable from 198.18.3.1");
  EXPECT_EQ(unreachable_reason(icmp(3, 13, kRouter)),
            "ICMP administratively prohibited from 198.18.3.1");
  EXPECT_EQ(unreachable_reason(icmp(11, 0, kRouter)), "ICMP time exceeded from 198.18.3.1");
  EXPECT_EQ(unreachable_reason(icmp(3, 7)), "ICMP destination unreachable (code 7)");
}

TEST(MeshError, FragmentationNeededAndOtherTypesDoNotMeanUnreachable) {
  EXPECT_EQ(unreachable_reason(icmp(3, 4)), std::nullopt);
  EXPECT_EQ(unreachable_reason(icmp(12, 0)), std::nullopt);  // parameter problem
}

TEST(MeshError, LocalErrorsUseTheErrnoText) {
  MeshError local{kPeer, IpAddress{}, MeshError::Origin::kLocal, 0, 0, EHOSTUNREACH};
  EXPECT_EQ(unreachable_reason(local), "No route to host");
  local.error_number = EMSGSIZE;
  EXPECT_EQ(unreachable_reason(local), std::nullopt);
}

const IpAddress kPeer6 = peer_ip("2001:db8:3::2");
const IpAddress kRouter6 = peer_ip("2001:db8:3::1");

MeshError icmp6(std::uint8_t type, std::uint8_t code, IpAddress reporter = kPeer6) {
  return MeshError{kPeer6, reporter, MeshError::Origin::kIcmp6, type, code, ECONNREFUSED};
}

TEST(MeshError, Icmpv6DestinationUnreachableCodesAreNamedLikeIcmpOnes) {
  EXPECT_EQ(unreachable_reason(icmp6(1, 4)), "ICMPv6 port unreachable");
  EXPECT_EQ(unreachable_reason(icmp6(1, 0, kRouter6)),
            "ICMPv6 no route to destination from 2001:db8:3::1");
  EXPECT_EQ(unreachable_reason(icmp6(1, 3, kRouter6)),
            "ICMPv6 address unreachable from 2001:db8:3::1");
  EXPECT_EQ(unreachable_reason(icmp6(1, 1, kRouter6)),
            "ICMPv6 administratively prohibited from 2001:db8:3::1");
  EXPECT_EQ(unreachable_reason(icmp6(3, 0, kRouter6)), "ICMPv6 time exceeded from 2001:db8:3::1");
  EXPECT_EQ(unreachable_reason(icmp6(1, 9)), "ICMPv6 destination unreachable (code 9)");
}

TEST(MeshError, Icmpv6TypesAreNotReadAsIcmpOnes) {
  // ICMPv6 type 2 is packet too big (about size); type 3 code 3 would be ICMP port
  // unreachable but is ICMPv6 time exceeded; type 128 is an echo request.
  EXPECT_EQ(unreachable_reason(icmp6(2, 0)), std::nullopt);
  EXPECT_EQ(unreachable_reason(icmp6(3, 3)), "ICMPv6 time exceeded");
  EXPECT_EQ(unreachable_reason(icmp6(128, 0)), std::nullopt);
}

TEST(MeshError, AnUnknownReporterIsNotNamed) {
  // Local errors on the dual-stack socket report no offender: the reporter stays ::.
  EXPECT_EQ(unreachable_reason(icmp6(1, 3, IpAddress{})), "ICMPv6 address unreachable");
}

}  // namespace
}  // namespace snowsignal::testing
