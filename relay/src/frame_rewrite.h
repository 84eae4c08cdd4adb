// Turns a validated frame from a peer into the frame we broadcast on our segment
// (DESIGN section 2, "rewrite").
#pragma once

#include <cstddef>
#include <span>

#include "frame_view.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

// Largest Ethernet II frame that can carry one IPv4 datagram (total length <= 65535).
inline constexpr std::size_t kMaxFrameSize = kEthernetHeaderSize + 65535;

struct SegmentAddresses {
  MacAddress interface_mac;
  Ipv4Address broadcast;  // the broadcast address of our interface's subnet
};

// Writes the rewritten frame into `out` (at least frame.frame_size() bytes) and returns
// its size: Ethernet source := our MAC (so our own capture ignores it), destination :=
// ff:ff:ff:ff:ff:ff, IPv4 destination := our subnet's broadcast unless it was
// 255.255.255.255 (a peer's subnet broadcast means nothing here), IP source and UDP
// ports kept (a PVA server answers the search at its IP source), IPv4 header checksum
// recomputed, UDP checksum recomputed unless the sender sent none (0, RFC 768: the
// sender opted out; we keep its choice). Ethernet padding is not copied.
std::size_t rewrite_for_segment(const FrameView& frame, const SegmentAddresses& segment,
                                std::span<Byte> out);

}  // namespace snowsignal
