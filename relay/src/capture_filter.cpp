#include "capture_filter.h"

namespace snowsignal {

namespace {

std::string destination_clause(const Destination& destination) {
  std::string clause;
  switch (destination.kind) {
    case TrafficKind::kBroadcast:
      clause = "ether broadcast and ip";
      break;
    case TrafficKind::kIpv4Multicast:
      clause = "ether multicast and ip dst host " + destination.group.to_string();
      break;
  }
  clause += " and udp and (";
  for (std::uint16_t port : destination.ports)
    clause += "udp dst port " + std::to_string(port) + " or ";
  return "(" + clause + "ip[6:2] & 0x3fff != 0))";
}

}  // namespace

std::string capture_filter(const TrafficKinds& kinds, const std::vector<MacAddress>& own_macs) {
  std::string filter;
  for (const Destination& destination : kinds.destinations()) {
    if (destination.ports.empty()) continue;
    if (!filter.empty()) filter += " or ";
    filter += destination_clause(destination);
  }
  filter = "(" + filter + ")";
  if (own_macs.empty()) return filter;
  filter += " and not (";
  for (std::size_t i = 0; i < own_macs.size(); ++i) {
    if (i > 0) filter += " or ";
    filter += "ether src " + own_macs[i].to_string();
  }
  filter += ")";
  return filter;
}

}  // namespace snowsignal
