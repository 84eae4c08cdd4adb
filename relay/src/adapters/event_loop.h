// The daemon's single thread: one poll() over the capture fd, the mesh socket and a
// signalfd, with periodic timers run between wake-ups.
#pragma once

#include <functional>
#include <vector>

#include "snowsignal/clock.h"
#include "snowsignal/frame_source.h"
#include "snowsignal/relay_core.h"

namespace snowsignal {

// Blocks SIGINT, SIGTERM and SIGUSR1 for the process and delivers them through a file
// descriptor. Construct it first in main(), before any thread exists, so no thread can
// take a signal asynchronously.
class SignalFd {
 public:
  SignalFd();
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;
  int fd() const { return fd_; }
  // The next pending signal number, or 0 when none is pending.
  int read_signal();

 private:
  int fd_ = -1;
};

class EventLoop {
 public:
  EventLoop(FrameSource& source, RelayCore& core, int mesh_fd, SignalFd& signals,
            const Clock& clock);

  // Runs `action` every `period` (first run one period from now).
  void every(Duration period, std::function<void()> action);
  void on_usr1(std::function<void()> action) { on_usr1_ = std::move(action); }

  // Returns after SIGINT or SIGTERM. Returns the signal number.
  int run();

 private:
  struct Timer {
    Duration period;
    TimePoint due;
    std::function<void()> action;
  };
  int poll_timeout_ms() const;
  void run_due_timers();

  FrameSource& source_;
  RelayCore& core_;
  int mesh_fd_;
  SignalFd& signals_;
  const Clock& clock_;
  std::vector<Timer> timers_;
  std::function<void()> on_usr1_;
};

}  // namespace snowsignal
