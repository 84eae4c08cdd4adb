// The one home of "what does the relay carry" (DESIGN section 8): a table of
// destinations built from the configuration, consulted by the capture filter generator,
// by the capture-side classification, by the mesh-side validation and by the rewrite.
// Adding a kind of traffic means adding a row kind here, not a branch everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frame_view.h"
#include "snowsignal/net_types.h"
#include "snowsignal/traffic.h"

namespace snowsignal {

enum class TrafficKind : std::uint8_t {
  // IPv4 broadcast (Ethernet ff:ff:ff:ff:ff:ff). Re-emitted to the receiving segment's
  // broadcast address: a peer's subnet broadcast means nothing on ours.
  kBroadcast,
  // IPv4 multicast to a configured group (Ethernet 01:00:5e + low 23 bits of the group).
  // Re-emitted to the same group: the group is the same on every segment.
  kIpv4Multicast,
  // IPv6 multicast to a configured group (Ethernet 33:33 + last 32 bits of the group,
  // RFC 2464). Re-emitted to the same group; IPv6 has no broadcast.
  kIpv6Multicast,
};

// One row of the table: a destination and the UDP ports relayed to it.
struct Destination {
  TrafficKind kind = TrafficKind::kBroadcast;
  IpAddress group;                   // multicast kinds only (IPv4 held mapped)
  std::vector<std::uint16_t> ports;  // sorted, no duplicates

  bool accepts(std::uint16_t port) const;
};

// Where the receiving relay sends a datagram on its own segment.
struct Emission {
  MacAddress destination_mac;
  IpAddress ip_destination;  // IPv4 held mapped
};

struct Classified {
  std::optional<DropReason> drop;            // set: refused for this reason
  const Destination* destination = nullptr;  // the row, when the destination is ours
  // Part of a datagram to one of our destinations (port not known yet: only the first
  // fragment has the UDP header). `ip` is set; the caller reassembles or refuses it.
  bool fragment = false;
  IpFrameView ip;
  FrameView view;  // valid when neither drop nor fragment is set
};

class TrafficKinds {
 public:
  explicit TrafficKinds(const TrafficConfig& config);

  const std::vector<Destination>& destinations() const { return destinations_; }

  // The whole decision for one Ethernet frame, in this order: Ethernet destination
  // (not_broadcast), ethertype and IP header (not_ipv4, malformed, extension_chain),
  // destination address (not_broadcast, unconfigured_group), protocol (not_udp),
  // fragment, UDP header (malformed), port (wrong_port). The Ethernet source is not
  // judged here.
  Classified classify(const EthernetView& frame) const;
  // The same from raw bytes (malformed when shorter than an Ethernet header).
  Classified classify(std::span<const Byte> frame) const;

  // How the receiving side re-emits a datagram classified under `destination`.
  Emission emission(const Destination& destination, const FrameView& frame,
                    Ipv4Address segment_broadcast) const;

  // "broadcast ports 5064,5076; 239.74.163.2 ports 43113; ff15::1 ports 43113": for
  // the ready log line.
  std::string describe() const;

 private:
  const Destination* find_destination(const MacAddress& mac, const IpFrameView& ip,
                                      std::optional<DropReason>& drop) const;

  std::vector<Destination> destinations_;
};

}  // namespace snowsignal
