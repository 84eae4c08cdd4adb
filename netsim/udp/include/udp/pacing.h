// When udp-send sends datagram i: evenly spaced from the start, so a late wake-up is
// caught up by sending the overdue datagrams back to back (the average rate holds, the
// sender never drifts slower than asked).
#pragma once

#include <cstdint>

namespace udp {

// Nanoseconds after the start at which datagram i is due; rate 0 means "now".
inline std::uint64_t due_offset_ns(std::uint64_t i, double rate_per_s) {
  if (rate_per_s <= 0) return 0;
  return static_cast<std::uint64_t>(static_cast<double>(i) * 1e9 / rate_per_s);
}

}  // namespace udp
