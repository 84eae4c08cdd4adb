// What the relay does with a frame from the mesh, for the fuzz targets: parse, and when
// it passes, rewrite it as for our segment. Any crash or sanitizer report is a finding.
#pragma once

#include <array>
#include <span>

#include "frame_rewrite.h"
#include "frame_view.h"

namespace snowsignal::fuzz {

inline void parse_and_rewrite(std::span<const Byte> frame) {
  static std::array<Byte, kMaxFrameSize> out;
  const ParsedFrame parsed = parse_broadcast_frame(frame, 5076);
  if (parsed.drop) return;
  const SegmentAddresses segment{MacAddress{{2, 0, 0, 0, 2, 2}}, Ipv4Address{0xC61202FFu}};
  rewrite_for_segment(parsed.view, segment, out);
}

}  // namespace snowsignal::fuzz
