// At most one warning per key per interval, counting what it held back, so a flood of
// bad input cannot turn into a flood of log lines.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "snowsignal/clock.h"

namespace snowsignal {

template <std::size_t Keys>
class RateLimiter {
 public:
  explicit RateLimiter(Duration interval) : interval_(interval) {}

  // When a message for `key` may be logged now, returns how many were suppressed since
  // the last one; otherwise counts this one as suppressed and returns nullopt.
  std::optional<std::uint64_t> admit(std::size_t key, TimePoint now) {
    Slot& slot = slots_[key];
    if (slot.last != TimePoint::min() && now - slot.last < interval_) {
      ++slot.suppressed;
      return std::nullopt;
    }
    const std::uint64_t suppressed = slot.suppressed;
    slot = Slot{now, 0};
    return suppressed;
  }

 private:
  struct Slot {
    TimePoint last = TimePoint::min();
    std::uint64_t suppressed = 0;
  };
  Duration interval_;
  std::array<Slot, Keys> slots_{};
};

}  // namespace snowsignal
