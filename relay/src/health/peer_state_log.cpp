#include "peer_state_log.h"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <ctime>

namespace snowsignal {

namespace {

// HH:MM:SS local time of a monotonic instant, as the log's own timestamps show it.
std::string wall_clock_of(TimePoint instant, TimePoint monotonic_now) {
  const auto wall =
      std::chrono::system_clock::now() -
      std::chrono::duration_cast<std::chrono::system_clock::duration>(monotonic_now - instant);
  const std::time_t seconds = std::chrono::system_clock::to_time_t(wall);
  std::tm local{};
  localtime_r(&seconds, &local);
  std::array<char, 16> text{};
  std::strftime(text.data(), text.size(), "%H:%M:%S", &local);
  return text.data();
}

}  // namespace

void PeerStateLog::on_state_change(const PeerStatus& status, PeerState previous,
                                   TimePoint previous_since) {
  const std::string message = peer_change_message(status, previous, previous_since,
                                                  wall_clock_of(status.since, clock_.now()));
  if (peer_change_is_warning(status.state)) {
    spdlog::warn("{}", message);
  } else {
    spdlog::info("{}", message);
  }
}

}  // namespace snowsignal
