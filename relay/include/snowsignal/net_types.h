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
