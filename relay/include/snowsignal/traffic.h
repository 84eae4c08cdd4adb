// What the relay carries, as configured: the kinds of link-local UDP traffic (DESIGN
// section 8). Plain values; the classifier that acts on them is traffic_kinds.h.
#pragma once

#include <cstdint>
#include <vector>

#include "snowsignal/net_types.h"

namespace snowsignal {

// One multicast destination: datagrams to `group`:`port` are relayed. The group is an
// IPv4 group (224.0.0.0/4, held IPv4-mapped) or an IPv6 one (ff00::/8); both come from
// the same `--multicast` option.
struct MulticastGroup {
  IpAddress group;
  std::uint16_t port = 0;
  friend constexpr auto operator<=>(const MulticastGroup&, const MulticastGroup&) = default;
};

struct TrafficConfig {
  // UDP destination ports of the IPv4 broadcasts to relay (sorted, no duplicates).
  std::vector<std::uint16_t> broadcast_ports{5076};
  // Multicast groups and ports to relay (sorted, no duplicates).
  std::vector<MulticastGroup> multicast_groups;
};

}  // namespace snowsignal
