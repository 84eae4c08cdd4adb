// IPv4 endpoints for the tools' sockets (the fake peers are IPv4-only, like netsim's
// address plan 198.18.0.0/15).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pva/address.h"

namespace pva::net {

struct Endpoint {
  Ipv4 ip{};
  std::uint16_t port = 0;

  std::string to_string() const;  // "a.b.c.d:port"
  sockaddr_in to_sockaddr() const;
  static Endpoint from_sockaddr(const sockaddr_in& sa);
  auto operator<=>(const Endpoint&) const = default;
};

// "a.b.c.d" or "a.b.c.d:port" (port 1-65535); dotted-quad only, no name lookup, so a
// typo is a usage error rather than a DNS query.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port);
std::optional<Ipv4> parse_ipv4(std::string_view text);

bool is_multicast(const Ipv4& ip);          // 224.0.0.0/4
bool is_limited_broadcast(const Ipv4& ip);  // 255.255.255.255

}  // namespace pva::net
