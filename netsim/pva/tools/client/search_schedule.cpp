#include "search_schedule.h"

namespace pva::client {

std::chrono::milliseconds retry_delay(unsigned retry) {
  constexpr std::chrono::milliseconds kFirst{500}, kCap{4000};
  if (retry >= 3) return kCap;  // 500 << 3 = 4000
  return kFirst * (1u << retry);
}

}  // namespace pva::client
