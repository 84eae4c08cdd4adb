// The getaddrinfo resolver gives addresses of both families: IPv4 literals come back
// IPv4-mapped (as the dual-stack mesh socket reports IPv4 senders), IPv6 literals as
// they are, link-local ones not at all. Literals only: a test never asks a DNS server.
#include "dns_name_resolver.h"

#include <gtest/gtest.h>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

TEST(DnsNameResolver, AnIpv4LiteralComesBackIpv4Mapped) {
  DnsNameResolver resolver;
  EXPECT_EQ(resolver.resolve("198.18.2.2"), std::vector{peer_ip("198.18.2.2")});
}

TEST(DnsNameResolver, AnIpv6LiteralComesBackAsItIs) {
  DnsNameResolver resolver;
  EXPECT_EQ(resolver.resolve("2001:db8:2::2"), std::vector{peer_ip("2001:db8:2::2")});
}

TEST(DnsNameResolver, ALinkLocalAddressIsNoPeer) {
  // It needs a zone the mesh does not keep (config refuses the literal with a reason).
  DnsNameResolver resolver;
  EXPECT_TRUE(resolver.resolve("fe80::1").empty());
}

}  // namespace
}  // namespace snowsignal::testing
