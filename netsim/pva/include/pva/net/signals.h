// Signals as poll()able events (signalfd), so the single-threaded loops have no
// async-signal-safety concerns.
#pragma once

#include <initializer_list>
#include <optional>

#include "pva/net/socket.h"

namespace pva::net {

class SignalEvents {
 public:
  // Blocks the signals for normal delivery and opens a signalfd for them.
  explicit SignalEvents(std::initializer_list<int> signals);
  int fd() const { return fd_.get(); }
  // The next pending signal, if any.
  std::optional<int> take();

 private:
  UniqueFd fd_;
};

}  // namespace pva::net
