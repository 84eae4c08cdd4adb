#include "event_loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace snowsignal {

namespace {

// Frames or datagrams handled per wake-up before the other sources get their turn.
constexpr std::size_t kBatch = 256;
// Upper bound on one poll, so timers stay punctual without a timerfd.
constexpr int kMaxPollMs = 1000;

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

// Never runs: the signals stay blocked and are read from the signalfd. Installing it
// makes the process show them as caught (SigCgt in /proc/<pid>/status), which is how
// supervisors such as netsim tell that SIGUSR1 asks for stats rather than kills us.
void never_called(int) {}

}  // namespace

SignalFd::SignalFd() {
  const sigset_t set = handled_signals();
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    throw std::runtime_error("cannot block signals");
  }
  struct sigaction action {};
  action.sa_handler = never_called;
  for (const int signal : {SIGINT, SIGTERM, SIGUSR1}) ::sigaction(signal, &action, nullptr);
  fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
}

SignalFd::~SignalFd() {
  ::close(fd_);
}

int SignalFd::read_signal() {
  signalfd_siginfo info{};
  if (::read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return 0;
  return static_cast<int>(info.ssi_signo);
}

EventLoop::EventLoop(FrameSource& source, RelayCore& core, int mesh_fd, SignalFd& signals,
                     const Clock& clock)
    : source_(source), core_(core), mesh_fd_(mesh_fd), signals_(signals), clock_(clock) {}

void EventLoop::every(Duration period, std::function<void()> action) {
  timers_.push_back(Timer{period, clock_.now() + period, std::move(action)});
}

int EventLoop::poll_timeout_ms() const {
  const TimePoint now = clock_.now();
  int timeout = kMaxPollMs;
  for (const Timer& timer : timers_) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(timer.due - now).count();
    timeout = std::min(timeout, static_cast<int>(std::max<decltype(left)>(left, 0)));
  }
  return timeout;
}

void EventLoop::run_due_timers() {
  const TimePoint now = clock_.now();
  for (Timer& timer : timers_) {
    if (timer.due > now) continue;
    timer.action();
    // Re-arm from now: after a stall we run once, not once per missed period.
    timer.due = now + timer.period;
  }
}

int EventLoop::run() {
  std::array<pollfd, 3> fds{{
      {source_.selectable_fd(), POLLIN, 0},
      {mesh_fd_, POLLIN, 0},
      {signals_.fd(), POLLIN, 0},
  }};
  for (;;) {
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms());
    if (ready < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    if (ready > 0) {
      if (fds[0].revents != 0) {
        source_.dispatch(core_, kBatch);
        // End of the capture batch: mesh v2 sends the frames it collected.
        core_.flush();
      }
      // POLLERR: ICMP errors queued for peers (IP_RECVERR); reading them clears it.
      if ((fds[1].revents & POLLERR) != 0) core_.drain_mesh_errors(kBatch);
      if ((fds[1].revents & POLLIN) != 0) core_.drain_mesh(kBatch);
      if (fds[2].revents != 0) {
        while (const int signal = signals_.read_signal()) {
          if (signal == SIGINT || signal == SIGTERM) return signal;
          if (signal == SIGUSR1 && on_usr1_) on_usr1_();
        }
      }
    }
    run_due_timers();
  }
}

}  // namespace snowsignal
