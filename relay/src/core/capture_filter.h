// The kernel BPF filter for the capture, generated from the traffic table, so unrelated
// traffic never reaches user space and the filter covers exactly what the classifier
// accepts.
#pragma once

#include <string>
#include <vector>

#include "snowsignal/net_types.h"
#include "traffic_kinds.h"

namespace snowsignal {

// One clause per destination, e.g. for broadcasts to 5064 and 5076:
//   (ether broadcast and ip and udp and (udp dst port 5064 or udp dst port 5076 or
//    ip[6:2] & 0x3fff != 0))
// for an IPv4 group: (ether multicast and ip dst host G and udp and (udp dst port P or
// ... or ip[6:2] & 0x3fff != 0)), for an IPv6 group: (ether dst 33:33:.. and ip6 dst host
// G and (udp dst port P or ... or ip6[6] == 44)).
// BPF reads ports only in a datagram's first fragment, so fragments (IPv4: MF set or a
// non-zero offset; IPv6: a fragment header) to our destinations are taken whatever their
// port: user space
// reassembles them and then judges the port. Then "and not (ether src M1 or ...)":
// excluding our MACs in the kernel keeps our own re-broadcasts off the hot path; the
// core checks them again because a filter is only as good as the MAC list it was given.
// With `local_sources` (host-local: this host's addresses) the exclusion spares frames
// from those sources, "and (not (ether src M1 or ...) or src host A1 or ...)": a
// process on this host sends from them, while our re-broadcasts keep their clients'.
// With `hello_port` (election on), other relays' segment hellos are taken too:
// "(ether broadcast and ip and udp src port P and udp dst port P)".
std::string capture_filter(const TrafficKinds& kinds, const std::vector<MacAddress>& own_macs,
                           const std::vector<IpAddress>& local_sources = {},
                           std::uint16_t hello_port = 0);

}  // namespace snowsignal
