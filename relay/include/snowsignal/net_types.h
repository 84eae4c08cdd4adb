// Value types for addresses as they appear on the wire. Header-only and free of socket
// headers so the core and its tests never depend on the OS networking API.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace snowsignal {

using Byte = std::uint8_t;

struct MacAddress {
  std::array<Byte, 6> octets{};

  static constexpr MacAddress broadcast() {
    return MacAddress{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
  }
  friend constexpr bool operator==(const MacAddress&, const MacAddress&) = default;
  std::string to_string() const;
};

// An IPv4 address held in host byte order; `value` 0xC6120102 is 198.18.1.2.
struct Ipv4Address {
  std::uint32_t value = 0;

  static constexpr Ipv4Address limited_broadcast() { return Ipv4Address{0xffffffffU}; }
  static std::optional<Ipv4Address> parse(std::string_view dotted);
  friend constexpr auto operator<=>(const Ipv4Address&, const Ipv4Address&) = default;
  std::string to_string() const;
};

// "198.18.1.2, 198.18.3.2": for log lines.
std::string join(const std::vector<Ipv4Address>& addresses);

// An IP address of either family, as the mesh and IPv6 frames need: 16 bytes in network
// order, an IPv4 address held IPv4-mapped (::ffff:198.18.1.2, RFC 4291 section 2.5.5.2).
// That is exactly how a dual-stack AF_INET6 socket reports an IPv4 sender, so a peer is
// one value whichever way its datagrams arrive, and the two families order and compare
// without a tag.
struct IpAddress {
  std::array<Byte, 16> octets{};

  static constexpr IpAddress from_v4(Ipv4Address v4) {
    return IpAddress{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, static_cast<Byte>(v4.value >> 24),
                      static_cast<Byte>(v4.value >> 16), static_cast<Byte>(v4.value >> 8),
                      static_cast<Byte>(v4.value)}};
  }
  // Dotted IPv4 ("198.18.1.2") or IPv6 text ("2001:db8:2::2"); no brackets, no zone.
  static std::optional<IpAddress> parse(std::string_view text);

  constexpr bool is_v4() const {
    for (std::size_t i = 0; i < 10; ++i)
      if (octets[i] != 0) return false;
    return octets[10] == 0xff && octets[11] == 0xff;
  }
  // The IPv4 address of an IPv4-mapped one (is_v4()); meaningless otherwise.
  constexpr Ipv4Address v4() const {
    return Ipv4Address{(std::uint32_t{octets[12]} << 24) | (std::uint32_t{octets[13]} << 16) |
                       (std::uint32_t{octets[14]} << 8) | std::uint32_t{octets[15]}};
  }
  friend constexpr auto operator<=>(const IpAddress&, const IpAddress&) = default;
  // Dotted for IPv4, RFC 5952 for IPv6 ("2001:db8:2::2").
  std::string to_string() const;
};

// "198.18.1.2, 2001:db8:2::2": for log lines.
std::string join(const std::vector<IpAddress>& addresses);

// ff00::/8 (RFC 4291 section 2.7). Never true of an IPv4-mapped address.
constexpr bool is_ipv6_multicast(const IpAddress& address) {
  return address.octets[0] == 0xff;
}

// The scope of an IPv6 multicast group: its fourth nibble (2 link-local, 5 site-local,
// 8 organisation, e global; RFC 4291 section 2.7, RFC 7346).
constexpr unsigned ipv6_multicast_scope(const IpAddress& group) {
  return group.octets[1] & 0x0fU;
}

// The Ethernet address an IPv6 multicast group is sent to (RFC 2464 section 7):
// 33:33 followed by the group's last 32 bits.
constexpr MacAddress multicast_mac(const IpAddress& group) {
  return MacAddress{{0x33, 0x33, group.octets[12], group.octets[13], group.octets[14],
                     group.octets[15]}};
}

// 224.0.0.0/4 (RFC 5771).
constexpr bool is_multicast(Ipv4Address address) {
  return (address.value >> 28) == 0xE;
}

// The Ethernet address an IPv4 multicast group is sent to (RFC 1112 section 6.4):
// 01:00:5e followed by the low 23 bits of the group.
constexpr MacAddress multicast_mac(Ipv4Address group) {
  return MacAddress{{0x01, 0x00, 0x5e, static_cast<Byte>((group.value >> 16) & 0x7f),
                     static_cast<Byte>(group.value >> 8), static_cast<Byte>(group.value)}};
}

// The broadcast address to re-broadcast to on an interface with this address and
// netmask. The kernel's configured broadcast wins when it is a real one; an address
// added without `brd` reports none (0.0.0.0, or the address itself through some APIs),
// and then the directed broadcast of the subnet (RFC 919/922: host bits all ones) is
// what every host on the segment accepts.
Ipv4Address segment_broadcast(Ipv4Address address, Ipv4Address netmask,
                              Ipv4Address configured_broadcast);

}  // namespace snowsignal
