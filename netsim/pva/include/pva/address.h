// PVA's 16-byte address field: an IPv6 address, IPv4 in IPv4-mapped form
// (::ffff:a.b.c.d). Both all-zero and ::ffff:0.0.0.0 mean "unspecified": the
// receiver then uses the IP source of the packet (pvxs udp_collector.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace pva {

using Ipv4 = std::array<std::uint8_t, 4>;  // network order octets, a.b.c.d

struct Address {
  std::array<std::uint8_t, 16> bytes{};

  // All zero: what pvxs clients put in SEARCH (fixtures/pva/search-exchange.pcap).
  static Address zero() { return Address{}; }
  // ::ffff:0.0.0.0: what pvxs servers put in SEARCH_RESPONSE and BEACON.
  static Address mapped_any() { return ipv4_mapped(Ipv4{0, 0, 0, 0}); }
  static Address ipv4_mapped(const Ipv4& ip);

  bool is_unspecified() const;
  // The IPv4 address when the field is IPv4-mapped (including ::ffff:0.0.0.0).
  std::optional<Ipv4> ipv4() const;
  std::string to_string() const;

  bool operator==(const Address&) const = default;
};

std::string ipv4_to_string(const Ipv4& ip);

}  // namespace pva
