// The classifier's verdict in the shape of the old single-port parser, for tests that
// are about one broadcast port.
#pragma once

#include "frame_view.h"
#include "traffic_kinds.h"

namespace snowsignal::testing {

inline ParsedFrame parse_broadcast_frame(std::span<const Byte> frame, std::uint16_t port) {
  const TrafficKinds kinds(TrafficConfig{{port}, {}});
  const Classified classified = kinds.classify(frame);
  if (classified.fragment) return ParsedFrame{DropReason::kFragment, {}};
  return ParsedFrame{classified.drop, classified.view};
}

}  // namespace snowsignal::testing
