#include "interface_state.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace snowsignal {

bool interface_running(const std::string& name) {
  if (name.size() >= IFNAMSIZ) return false;
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq request{};
  std::memcpy(request.ifr_name, name.data(), name.size());
  const bool known = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  ::close(fd);
  if (!known) return false;
  const auto flags = static_cast<unsigned>(request.ifr_flags);
  return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
}

}  // namespace snowsignal
