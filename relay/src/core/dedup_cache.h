// Loop and storm guard beyond SnowSignal's own-MAC check: remembers, for a short
// window, which datagrams we captured and which we received from the mesh. Fixed size,
// no allocation after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "frame_view.h"
#include "snowsignal/clock.h"

namespace snowsignal {

// Identifies a datagram by the fields our rewrite keeps: IP source (either family), UDP source and
// destination port, UDP payload. The IPv4 destination, MACs and checksums change on
// every hop, so they are left out. Never 0 (0 marks an empty slot).
std::uint64_t frame_fingerprint(const FrameView& frame);

class DedupCache {
 public:
  // A zero window disables the cache: nothing is remembered, nothing is ever "seen".
  explicit DedupCache(Duration window);

  bool enabled() const { return window_ > Duration::zero(); }
  bool captured_recently(std::uint64_t fingerprint, TimePoint now) const;
  bool received_recently(std::uint64_t fingerprint, TimePoint now) const;
  void note_captured(std::uint64_t fingerprint, TimePoint now);
  void note_received(std::uint64_t fingerprint, TimePoint now);

 private:
  struct Entry {
    std::uint64_t fingerprint = 0;
    TimePoint captured = TimePoint::min();
    TimePoint received = TimePoint::min();
  };
  // 4096 slots hold every distinct broadcast of 8000 per second for a 500 ms window;
  // beyond that the oldest entries go first, which can only let a duplicate through,
  // never drop a fresh datagram.
  static constexpr std::size_t kSlots = 4096;
  static constexpr std::size_t kProbe = 8;

  bool recent(TimePoint then, TimePoint now) const;
  const Entry* find(std::uint64_t fingerprint) const;
  Entry& slot_for(std::uint64_t fingerprint);

  Duration window_;
  std::array<Entry, kSlots> entries_{};
};

}  // namespace snowsignal
