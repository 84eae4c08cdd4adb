// IPv6 addresses and prefixes, and the one IPv6 address plan netsim allows.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace netsim {

struct Ipv6 {
  std::array<std::uint8_t, 16> bytes{};  // network order, as in in6_addr
  friend bool operator==(const Ipv6&, const Ipv6&) = default;
  friend auto operator<=>(const Ipv6&, const Ipv6&) = default;
};

struct Subnet6 {
  Ipv6 network;
  int prefix = 64;

  bool contains(const Ipv6& a) const;
  bool overlaps(const Subnet6& other) const;
  // The address whose interface id (the low 64 bits, at most the bits below the
  // prefix) is n: host(1) of 2001:db8:1::/64 is 2001:db8:1::1, host(0x10) ...::10.
  Ipv6 host(std::uint64_t n) const;
  // Largest interface id inside the prefix (2^(128-prefix) - 1, capped at 2^64 - 1).
  std::uint64_t max_host() const;
};

// Numeric text only (inet_pton), no zone ("%eth0") and no brackets.
std::optional<Ipv6> parse_ipv6(const std::string& text);
// "2001:db8:1::/64"; nullopt when malformed or when bits below the prefix are set.
std::optional<Subnet6> parse_subnet6(const std::string& text);
// RFC 5952 canonical text (inet_ntop), as the kernel and the UDP tools print it.
std::string to_string(const Ipv6& a);
std::string to_string(const Subnet6& s);

// RFC 3849 documentation prefix 2001:db8::/32: the only IPv6 addresses netsim ever
// configures, as 198.18.0.0/15 is for IPv4.
const Subnet6& documentation_space6();

// The default prefix of segment number n (1-based): 2001:db8:N::/64 with N the segment
// number's decimal digits read as the third group, so segment 12 is 198.18.12.0/24
// and 2001:db8:12::/64. n must be 1..9999.
Subnet6 default_subnet6(std::uint32_t n);

}  // namespace netsim
