// Seam: facts about the target interface and this host, looked up once at start.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snowsignal/net_types.h"

namespace snowsignal {

struct InterfaceInfo {
  std::string name;
  int index = 0;
  MacAddress mac;
  std::optional<Ipv4Address> ipv4;  // unset when the interface has no IPv4 address
  Ipv4Address broadcast;
  unsigned mtu = 1500;
  // Every MAC and IPv4 address of this host (all interfaces): frames from any of our
  // MACs are our own, and our own addresses are never peers.
  std::vector<MacAddress> host_macs;
  std::vector<Ipv4Address> host_ipv4s;
  // Every IPv6 address of this host: our own IPv6 addresses are not peers either.
  std::vector<IpAddress> host_ipv6s;
};

// The address that names this relay on its interface: the IPv4 one, or on an
// IPv6-only interface this host's first global IPv6 address (::1 without one).
inline IpAddress primary_address(const InterfaceInfo& interface) {
  if (interface.ipv4) return IpAddress::from_v4(*interface.ipv4);
  IpAddress loopback{};
  loopback.octets[15] = 1;
  for (const IpAddress& a : interface.host_ipv6s) {
    const bool link_local = a.octets[0] == 0xfe && (a.octets[1] & 0xc0) == 0x80;  // fe80::/10
    if (!a.is_v4() && !link_local && a != loopback) return a;
  }
  return loopback;
}

class InterfaceLookup {
 public:
  virtual ~InterfaceLookup() = default;
  virtual std::optional<InterfaceInfo> find(const std::string& name) const = 0;
};

}  // namespace snowsignal
