// Turns a validated frame from a peer into the frame we emit on our segment
// (DESIGN section 2, "rewrite").
#pragma once

#include <cstddef>
#include <span>

#include "frame_view.h"
#include "snowsignal/net_types.h"
#include "traffic_kinds.h"

namespace snowsignal {

// Largest Ethernet II frame that can carry one IP datagram (IPv4 total length <= 65535,
// IPv6 40 + payload length <= 65535).
inline constexpr std::size_t kMaxFrameSize = kEthernetHeaderSize + kIpMaxPacketSize;

// Writes the rewritten frame into `out` (at least frame.frame_size() bytes) and returns
// its size: Ethernet source := our MAC (so our own capture ignores it), Ethernet and
// IP destination := `emission` (the classifier's answer for the datagram's kind), IP
// source, TTL (IPv6: hop limit, flow label, traffic class, extension headers) and UDP
// ports kept (a server answers at the IP source), IPv4 header checksum recomputed, UDP
// checksum recomputed unless an IPv4 sender sent none (0, RFC 768: the sender opted out;
// we keep its choice). Ethernet padding is not copied. The result
// may exceed our MTU; fragmenter.h splits it then.
std::size_t rewrite_frame(const FrameView& frame, const Emission& emission,
                          const MacAddress& interface_mac, std::span<Byte> out);

}  // namespace snowsignal
