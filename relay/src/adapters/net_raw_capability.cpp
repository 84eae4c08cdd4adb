#include "net_raw_capability.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace snowsignal {

namespace {

// capget/capset directly (libcap would add a dependency for two system calls).
// _LINUX_CAPABILITY_VERSION_3 uses two 32-bit words; CAP_NET_RAW (13) is in the first.
constexpr unsigned kBit = 1U << CAP_NET_RAW;

}  // namespace

NetRaw acquire_net_raw() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return NetRaw::kMissing;
  if ((data[0].effective & kBit) != 0) return NetRaw::kEffective;
  if ((data[0].permitted & kBit) == 0) return NetRaw::kMissing;
  data[0].effective |= kBit;
  if (::syscall(SYS_capset, &header, data) != 0) return NetRaw::kMissing;
  return NetRaw::kEffective;
}

std::string net_raw_missing_message() {
  return "snowsignal: CAP_NET_RAW is missing (the capture and the re-broadcast need it); "
         "grant it with cap_add: [NET_RAW] (Docker, Compose, Swarm; podman run --cap-add "
         "NET_RAW), securityContext.capabilities.add: [NET_RAW] (Kubernetes), "
         "AmbientCapabilities=CAP_NET_RAW (systemd), or setcap cap_net_raw+p on the binary";
}

}  // namespace snowsignal
