#include "pva/net/signals.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace pva::net {

SignalEvents::SignalEvents(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  // Single-threaded tools: blocking in this thread blocks normal delivery.
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  fd_ = UniqueFd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
}

std::optional<int> SignalEvents::take() {
  signalfd_siginfo info{};
  if (!fd_.valid() || ::read(fd_.get(), &info, sizeof info) != sizeof info) return std::nullopt;
  return static_cast<int>(info.ssi_signo);
}

}  // namespace pva::net
