// Seam: monotonic time, so dedup windows and rate limits are testable.
#pragma once

#include <chrono>

namespace snowsignal {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

}  // namespace snowsignal
