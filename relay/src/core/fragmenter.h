// Splits a datagram larger than our interface MTU into IPv4 fragments (RFC 791 section
// 3.2) or IPv6 fragments (RFC 8200 section 4.5), the way the sender's kernel did on its own
// segment: fragment offsets in 8-byte units, MF on every fragment but the last, the same
// identification, an IPv4 header checksum per fragment. The UDP header (and its checksum over the
// whole datagram) travels in the first fragment only, untouched.
#pragma once

#include <cstddef>
#include <span>

#include "frame_view.h"
#include "snowsignal/frame_sink.h"

namespace snowsignal {

struct FragmentResult {
  std::size_t sent = 0;    // fragments the sink accepted
  std::size_t failed = 0;  // fragments the sink refused (the datagram is then lost)
};

// `frame`: Ethernet II + a whole IPv4 datagram (ip_header_size, total length in the
// header) whose total length exceeds `mtu` (>= 68, RFC 791's minimum). Each fragment is
// built in `scratch` (at least kEthernetHeaderSize + mtu bytes) and handed to `sink`.
// Options whose copy flag is set go into every fragment; the others only into the first.
FragmentResult send_fragmented(std::span<const Byte> frame, std::size_t ip_header_size,
                               std::size_t mtu, FrameSink& sink, std::span<Byte> scratch);

// IPv6 (RFC 8200 section 4.5), as the sender's kernel does it: every fragment repeats the
// unfragmentable part (the fixed header, hop-by-hop and routing headers: `layout`'s
// unfragmentable_size), whose last next-header byte becomes 44, then a fragment header
// (the original next header, the offset in 8-byte units, M on all but the last,
// `identification`), then the next piece of the rest. IPv6 routers never fragment, so
// the relay does it as a source would; `mtu` must be at least 1280.
FragmentResult send_ipv6_fragmented(std::span<const Byte> frame, const FrameView& layout,
                                    std::size_t mtu, std::uint32_t identification, FrameSink& sink,
                                    std::span<Byte> scratch);

// Either family: IPv4 keeps the datagram's identification, IPv6 takes `ipv6_identification`.
FragmentResult send_fragmented(std::span<const Byte> frame, const FrameView& layout,
                               std::size_t mtu, std::uint32_t ipv6_identification, FrameSink& sink,
                               std::span<Byte> scratch);

}  // namespace snowsignal
