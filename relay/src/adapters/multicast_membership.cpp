#include "multicast_membership.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace snowsignal {

namespace {

int open_socket(int family, const MulticastGroup& entry) {
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error("cannot join multicast group " + entry.group.to_string() +
                             ": socket: " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

MulticastMembership::MulticastMembership(int interface_index,
                                         const std::vector<MulticastGroup>& groups) {
  try {
    for (const MulticastGroup& entry : groups) join(interface_index, entry);
  } catch (...) {
    if (fd4_ >= 0) ::close(fd4_);
    if (fd6_ >= 0) ::close(fd6_);
    throw;
  }
}

void MulticastMembership::join(int interface_index, const MulticastGroup& entry) {
  int result = 0;
  if (entry.group.is_v4()) {
    if (fd4_ < 0) fd4_ = open_socket(AF_INET, entry);
    ip_mreqn request{};
    request.imr_multiaddr.s_addr = htonl(entry.group.v4().value);
    request.imr_ifindex = interface_index;
    result = ::setsockopt(fd4_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request);
  } else {
    if (fd6_ < 0) fd6_ = open_socket(AF_INET6, entry);
    ipv6_mreq request{};
    std::copy(entry.group.octets.begin(), entry.group.octets.end(),
              request.ipv6mr_multiaddr.s6_addr);
    request.ipv6mr_interface = static_cast<unsigned>(interface_index);
    result = ::setsockopt(fd6_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof request);
  }
  // Several ports may share a group; the kernel refuses a second join (EADDRINUSE).
  if (result != 0 && errno != EADDRINUSE) {
    throw std::runtime_error("cannot join multicast group " + entry.group.to_string() + ": " +
                             std::strerror(errno));
  }
}

MulticastMembership::~MulticastMembership() {
  // Leaving the groups (IGMP/MLD leave) comes with the close.
  if (fd4_ >= 0) ::close(fd4_);
  if (fd6_ >= 0) ::close(fd6_);
}

}  // namespace snowsignal
