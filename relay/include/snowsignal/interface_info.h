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

class InterfaceLookup {
 public:
  virtual ~InterfaceLookup() = default;
  virtual std::optional<InterfaceInfo> find(const std::string& name) const = 0;
};

}  // namespace snowsignal
