// IPv4 addresses and subnets, and the one address plan netsim allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace netsim {

struct Ipv4 {
  std::uint32_t value = 0;  // host byte order
  friend bool operator==(const Ipv4&, const Ipv4&) = default;
  friend auto operator<=>(const Ipv4&, const Ipv4&) = default;
};

struct Subnet {
  Ipv4 network;
  int prefix = 24;

  std::uint32_t mask() const;
  bool contains(Ipv4 a) const;
  bool overlaps(const Subnet& other) const;
  Ipv4 broadcast() const;
  // Number of usable host numbers (excludes the network and broadcast addresses).
  std::uint32_t host_count() const;
  // The address with host number n (1 = first usable).
  Ipv4 host(std::uint32_t n) const;
};

std::optional<Ipv4> parse_ipv4(const std::string& text);
// "a.b.c.d/len"; nullopt when malformed or when host bits are set.
std::optional<Subnet> parse_subnet(const std::string& text);
std::string to_string(Ipv4 a);
std::string to_string(const Subnet& s);

// RFC 2544 benchmarking space: the only addresses netsim ever configures, so an
// emulated topology can never be confused with, or route to, a real network.
const Subnet& benchmark_space();

}  // namespace netsim
