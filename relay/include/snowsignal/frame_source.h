// Seam: where captured Ethernet frames come from (production: libtins Sniffer + pcap).
#pragma once

#include <cstddef>
#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  // `frame` is the complete Ethernet II frame; it is only valid during the call.
  // `truncated` is true when the capture holds fewer bytes than were on the wire.
  virtual void on_captured(std::span<const Byte> frame, bool truncated) = 0;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // File descriptor that becomes readable when frames are waiting.
  virtual int selectable_fd() const = 0;
  // Hands at most `max_frames` waiting frames to `handler` without blocking.
  virtual std::size_t dispatch(FrameHandler& handler, std::size_t max_frames) = 0;
  // Frames the kernel dropped because we did not read fast enough (since start).
  virtual std::uint64_t kernel_drops() = 0;
};

}  // namespace snowsignal
