#include "capture_filter.h"

namespace snowsignal {

namespace {

std::string destination_clause(const Destination& destination) {
  std::string clause;
  // Fragments carry no port after the first: taken whatever their port (IPv4: MF or an
  // offset; IPv6: a fragment header right after the fixed header, next header 44).
  std::string fragments = "ip[6:2] & 0x3fff != 0";
  switch (destination.kind) {
    case TrafficKind::kBroadcast:
      clause = "ether broadcast and ip and udp";
      break;
    case TrafficKind::kIpv4Multicast:
      clause = "ether multicast and ip dst host " + destination.group.to_string() + " and udp";
      break;
    case TrafficKind::kIpv6Multicast:
      // libpcap's `udp` for IPv6 reads the fixed header's next header only, so the
      // fragments (44) are named apart; the classifier judges them after reassembly.
      clause = "ether dst " + multicast_mac(destination.group).to_string() + " and ip6 dst host " +
               destination.group.to_string();
      fragments = "ip6[6] == 44";
      break;
  }
  clause += " and (";
  for (std::uint16_t port : destination.ports)
    clause += "udp dst port " + std::to_string(port) + " or ";
  return "(" + clause + fragments + "))";
}

}  // namespace

std::string capture_filter(const TrafficKinds& kinds, const std::vector<MacAddress>& own_macs,
                           const std::vector<IpAddress>& local_sources,
                           std::uint16_t hello_port) {
  std::string filter;
  for (const Destination& destination : kinds.destinations()) {
    if (destination.ports.empty()) continue;
    if (!filter.empty()) filter += " or ";
    filter += destination_clause(destination);
  }

  filter = "(" + filter + ")";
  std::string not_ours;
  for (std::size_t i = 0; i < own_macs.size(); ++i) {
    not_ours += (i > 0 ? " or " : "not (") + std::string("ether src ") + own_macs[i].to_string();
  }
  if (!not_ours.empty()) not_ours += ")";
  if (!not_ours.empty()) {
    if (local_sources.empty()) {
      filter += " and " + not_ours;
    } else {
      filter += " and (" + not_ours;
      for (const IpAddress& source : local_sources) filter += " or src host " + source.to_string();
      filter += ")";
    }
  }
  if (hello_port == 0) return filter;
  // Other relays' hellos; ours never (they come from our MAC and our address).
  const std::string port = std::to_string(hello_port);
  return "(" + filter + ") or (ether broadcast and ip and udp src port " + port +
         " and udp dst port " + port + (not_ours.empty() ? "" : " and " + not_ours) + ")";
}

}  // namespace snowsignal
