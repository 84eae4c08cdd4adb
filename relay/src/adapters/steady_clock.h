// Clock on std::chrono::steady_clock (monotonic: unaffected by wall-clock changes).
#pragma once

#include "snowsignal/clock.h"

namespace snowsignal {

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
  }
};

}  // namespace snowsignal
