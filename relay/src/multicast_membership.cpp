#include "multicast_membership.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace snowsignal {

MulticastMembership::MulticastMembership(int interface_index,
                                         const std::vector<MulticastGroup>& groups) {
  if (groups.empty()) return;
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error(std::string("multicast membership socket: ") + std::strerror(errno));
  }
  // Several ports may share a group; the kernel refuses a second join (EADDRINUSE).
  for (const MulticastGroup& entry : groups) {
    ip_mreqn request{};
    request.imr_multiaddr.s_addr = htonl(entry.group.value);
    request.imr_ifindex = interface_index;
    if (::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request) != 0 &&
        errno != EADDRINUSE) {
      const std::string error = std::strerror(errno);
      ::close(fd_);
      throw std::runtime_error("cannot join multicast group " + entry.group.to_string() + ": " +
                               error);
    }
  }
}

MulticastMembership::~MulticastMembership() {
  if (fd_ >= 0) ::close(fd_);  // leaving the groups (IGMP leave) comes with the close
}

}  // namespace snowsignal
