// Replay protection for mesh format v2 (relay/README.md "Replay window"): per sender id,
// the sender's boot id, the highest sequence accepted in that boot and a bitmap of the
// 64 below it. Fixed table, no allocation. Feed it only authenticated datagrams, so
// that forged ones can never move a window. A sender is never forgotten while the table
// has room (forgetting it would make its recorded datagrams acceptable again); when
// full, the sender heard from longest ago makes way.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "snowsignal/clock.h"

namespace snowsignal {

class ReplayWindow {
 public:
  static constexpr std::size_t kSenders = 256;
  static constexpr std::uint64_t kWidth = 64;

  // True (and the datagram recorded) when (sender, boot, sequence) is new; false for a
  // replay: seen already, too old for the window, or from an earlier boot.
  bool accept(std::uint64_t sender, std::uint64_t boot, std::uint64_t sequence, TimePoint now);

 private:
  struct Slot {
    bool used = false;
    std::uint64_t sender = 0;
    std::uint64_t boot = 0;
    std::uint64_t highest = 0;
    std::uint64_t seen = 0;  // bit i: sequence highest - i was accepted
    TimePoint last{};
  };
  Slot& slot_for(std::uint64_t sender);
  std::array<Slot, kSenders> slots_{};
};

}  // namespace snowsignal
