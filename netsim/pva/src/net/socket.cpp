#include "pva/net/socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pva::net {

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {
std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool set_flag(int fd, int level, int opt) {
  int one = 1;
  return ::setsockopt(fd, level, opt, &one, sizeof one) == 0;
}

SocketOrError bind_any(UniqueFd fd, std::uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    return {{}, errno_text(("bind 0.0.0.0:" + std::to_string(port)).c_str())};
  return {std::move(fd), {}};
}
}  // namespace

SocketOrError open_udp(const UdpOptions& o) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return {{}, errno_text("socket(UDP)")};
  if (o.reuse_address && !set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR))
    return {{}, errno_text("SO_REUSEADDR")};
  if (o.broadcast && !set_flag(fd.get(), SOL_SOCKET, SO_BROADCAST))
    return {{}, errno_text("SO_BROADCAST")};
  return bind_any(std::move(fd), o.port);
}

SocketOrError open_tcp_listener(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return {{}, errno_text("socket(TCP)")};
  // Restarting a server must not wait for TIME_WAIT to clear.
  if (!set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR)) return {{}, errno_text("SO_REUSEADDR")};
  auto bound = bind_any(std::move(fd), port);
  if (!bound.fd.valid()) return bound;
  if (::listen(bound.fd.get(), 64) != 0) return {{}, errno_text("listen")};
  return bound;
}

SocketOrError start_tcp_connect(const Endpoint& to) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return {{}, errno_text("socket(TCP)")};
  const sockaddr_in sa = to.to_sockaddr();
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 &&
      errno != EINPROGRESS)
    return {{}, errno_text(("connect " + to.to_string()).c_str())};
  return {std::move(fd), {}};
}

int connect_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

std::optional<std::size_t> receive_datagram(int fd, std::span<std::uint8_t> buf, Endpoint& from) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  const ssize_t n =
      ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&sa), &len);
  if (n < 0) return std::nullopt;
  from = Endpoint::from_sockaddr(sa);
  return static_cast<std::size_t>(n);
}

std::uint16_t local_port(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return 0;
  return ntohs(sa.sin_port);
}

}  // namespace pva::net
