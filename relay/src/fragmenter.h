// Splits a datagram larger than our interface MTU into IPv4 fragments (RFC 791 section
// 3.2), the way the sender's kernel did on its own segment: fragment offsets in 8-byte
// units, MF on every fragment but the last, the same identification, an IPv4 header
// checksum per fragment. The UDP header (and its checksum over the whole datagram)
// travels in the first fragment only, untouched.
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

}  // namespace snowsignal
