#include "traffic_kinds.h"

#include <algorithm>

namespace snowsignal {

bool Destination::accepts(std::uint16_t port) const {
  return std::binary_search(ports.begin(), ports.end(), port);
}

namespace {

void sort_unique(std::vector<std::uint16_t>& ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
}

bool is_ethernet_multicast(const MacAddress& mac) {
  return (mac.octets[0] & 0x01U) != 0;
}

}  // namespace

TrafficKinds::TrafficKinds(const TrafficConfig& config) {
  Destination broadcast{TrafficKind::kBroadcast, {}, config.broadcast_ports};
  sort_unique(broadcast.ports);
  destinations_.push_back(std::move(broadcast));
  for (const MulticastGroup& entry : config.multicast_groups) {
    const TrafficKind kind =
        entry.group.is_v4() ? TrafficKind::kIpv4Multicast : TrafficKind::kIpv6Multicast;
    auto row = std::find_if(destinations_.begin(), destinations_.end(), [&](const Destination& d) {
      return d.kind == kind && d.group == entry.group;
    });
    if (row == destinations_.end()) {
      destinations_.push_back(Destination{kind, entry.group, {}});
      row = destinations_.end() - 1;
    }
    row->ports.push_back(entry.port);
    sort_unique(row->ports);
  }
}

const Destination* TrafficKinds::find_destination(const MacAddress& mac, const IpFrameView& ip,
                                                  std::optional<DropReason>& drop) const {
  // IPv6 has no broadcast (RFC 4291 section 2): only IPv4 rides the broadcast row.
  if (mac == MacAddress::broadcast() && !ip.ipv6) return &destinations_.front();
  // A multicast frame counts only if its MAC is the one its IP group maps to; anything
  // else (unicast, a mismatched MAC, an IPv6 broadcast frame) is not traffic any relay
  // emits.
  const IpAddress& group = ip.ip_destination;
  const bool mapped = ip.ipv6 ? is_ipv6_multicast(group) && mac == multicast_mac(group)
                              : is_multicast(group.v4()) && mac == multicast_mac(group.v4());
  if (!mapped) {
    drop = DropReason::kNotBroadcast;
    return nullptr;
  }
  const TrafficKind kind = ip.ipv6 ? TrafficKind::kIpv6Multicast : TrafficKind::kIpv4Multicast;
  for (const Destination& d : destinations_) {
    if (d.kind == kind && d.group == group) return &d;
  }
  drop = DropReason::kUnconfiguredGroup;
  return nullptr;
}

Classified TrafficKinds::classify(std::span<const Byte> frame) const {
  const std::optional<EthernetView> ethernet = parse_ethernet(frame);
  if (!ethernet) {
    Classified out;
    out.drop = DropReason::kMalformed;
    return out;
  }
  return classify(*ethernet);
}

Classified TrafficKinds::classify(const EthernetView& frame) const {
  Classified out;
  // Neither broadcast nor multicast: refused before the IP header is even read.
  const MacAddress& mac = frame.destination_mac;
  if (mac != MacAddress::broadcast() && !is_ethernet_multicast(mac)) {
    out.drop = DropReason::kNotBroadcast;
    return out;
  }
  const ParsedIp ip = parse_ip_frame(frame);
  if (ip.drop) {
    out.drop = ip.drop;
    return out;
  }
  out.ip = ip.view;
  out.destination = find_destination(mac, ip.view, out.drop);
  if (out.drop) return out;
  if (ip.view.protocol != kProtocolUdp) {
    out.drop = DropReason::kNotUdp;
    return out;
  }
  if (ip.view.is_fragment()) {
    out.fragment = true;
    return out;
  }
  const ParsedFrame udp = parse_udp_datagram(ip.view);
  if (udp.drop) {
    out.drop = udp.drop;
    return out;
  }
  if (!out.destination->accepts(udp.view.udp_destination_port)) {
    out.drop = DropReason::kWrongPort;
    return out;
  }
  out.view = udp.view;
  return out;
}

Emission TrafficKinds::emission(const Destination& destination, const FrameView& frame,
                                Ipv4Address segment_broadcast) const {
  switch (destination.kind) {
    case TrafficKind::kIpv4Multicast:
      return {multicast_mac(frame.ip_destination.v4()), frame.ip_destination};
    case TrafficKind::kIpv6Multicast:
      return {multicast_mac(frame.ip_destination), frame.ip_destination};
    case TrafficKind::kBroadcast:
      break;
  }
  const IpAddress limited = IpAddress::from_v4(Ipv4Address::limited_broadcast());
  return {MacAddress::broadcast(), frame.ip_destination == limited
                                       ? frame.ip_destination
                                       : IpAddress::from_v4(segment_broadcast)};
}

std::string TrafficKinds::describe() const {
  std::string text;
  for (const Destination& d : destinations_) {
    if (d.ports.empty()) continue;  // no broadcast port (an IPv6-only interface)
    std::string ports;
    for (std::uint16_t port : d.ports) ports += (ports.empty() ? "" : ",") + std::to_string(port);
    if (!text.empty()) text += "; ";
    text += d.kind == TrafficKind::kBroadcast ? "broadcast ports " + ports
                                              : d.group.to_string() + " ports " + ports;
  }
  return text;
}

}  // namespace snowsignal
