// Reading an error-queue entry: which ones mean "the peer cannot be reached", and the
// words the log and the stats use for them.
#include "mesh_error.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace snowsignal::testing {
namespace {

const Ipv4Address kPeer{0xC6120302};    // 198.18.3.2
const Ipv4Address kRouter{0xC6120301};  // 198.18.3.1

MeshError icmp(std::uint8_t type, std::uint8_t code, Ipv4Address reporter = kPeer) {
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
  MeshError local{kPeer, Ipv4Address{}, MeshError::Origin::kLocal, 0, 0, EHOSTUNREACH};
  EXPECT_EQ(unreachable_reason(local), "No route to host");
  local.error_number = EMSGSIZE;
  EXPECT_EQ(unreachable_reason(local), std::nullopt);
}

}  // namespace
}  // namespace snowsignal::testing
