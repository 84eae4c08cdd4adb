#include "udp/socket_setup.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace udp {

namespace {
std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

bool interface_index(const std::string& ifname, unsigned& index, std::string& error) {
  index = 0;
  if (ifname.empty()) return true;
  index = if_nametoindex(ifname.c_str());
  if (index == 0) error = "no interface '" + ifname + "'";
  return index != 0;
}
}  // namespace

int set_buffer(int fd, bool receive, int bytes) {
  const int force = receive ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
  const int plain = receive ? SO_RCVBUF : SO_SNDBUF;
  if (setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) != 0)
    setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);  // capped by *mem_max
  int granted = 0;
  socklen_t len = sizeof granted;
  getsockopt(fd, SOL_SOCKET, plain, &granted, &len);
  return granted;
}

std::string set_multicast_interface(int fd, int family, const std::string& ifname) {
  unsigned index = 0;
  std::string error;
  if (!interface_index(ifname, index, error)) return error;
  if (family == AF_INET) {
    ip_mreqn m{};
    m.imr_ifindex = static_cast<int>(index);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) != 0)
      return errno_text("IP_MULTICAST_IF " + ifname);
  } else if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0) {
    return errno_text("IPV6_MULTICAST_IF " + ifname);
  }
  return {};
}

std::string set_ttl(int fd, int family, int ttl) {
  const bool v4 = family == AF_INET;
  if (setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TTL : IPV6_UNICAST_HOPS, &ttl,
                 sizeof ttl) != 0 ||
      setsockopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_MULTICAST_TTL : IPV6_MULTICAST_HOPS,
                 &ttl, sizeof ttl) != 0)
    return errno_text("ttl " + std::to_string(ttl));
  return {};
}

std::string join_group(int fd, const Endpoint& group, const std::string& ifname) {
  unsigned index = 0;
  std::string error;
  if (!interface_index(ifname, index, error)) return error;
  if (group.family() == AF_INET) {
    ip_mreqn m{};
    m.imr_multiaddr = reinterpret_cast<const sockaddr_in&>(group.addr).sin_addr;
    m.imr_ifindex = static_cast<int>(index);
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) != 0)
      return errno_text("join " + group.str());
  } else {
    ipv6_mreq m{};
    m.ipv6mr_multiaddr = reinterpret_cast<const sockaddr_in6&>(group.addr).sin6_addr;
    m.ipv6mr_interface = index;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) != 0)
      return errno_text("join " + group.str());
  }
  return {};
}

std::string bind_to(int fd, const Endpoint& local) {
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local.addr), local.len) != 0)
    return errno_text("bind " + local.str());
  return {};
}

Endpoint any_address(int family, std::uint16_t port) {
  Endpoint e;
  if (family == AF_INET6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(e.addr);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    a.sin6_port = htons(port);
    e.len = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(e.addr);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    a.sin_port = htons(port);
    e.len = sizeof a;
  }
  return e;
}

}  // namespace udp
