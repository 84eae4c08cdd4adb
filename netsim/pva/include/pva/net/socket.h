// Thin POSIX socket adapters for the tools; all non-blocking, for one poll loop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "pva/net/endpoint.h"

namespace pva::net {

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset();

 private:
  int fd_ = -1;
};

// A socket or the one-line reason it could not be made.
struct SocketOrError {
  UniqueFd fd;
  std::string error;
};

struct UdpOptions {
  std::uint16_t port = 0;  // 0: ephemeral
  bool reuse_address = false;
  bool broadcast = false;
};

SocketOrError open_udp(const UdpOptions& o);
SocketOrError open_tcp_listener(std::uint16_t port);
// Non-blocking connect; completion is signalled by POLLOUT (check connect_error()).
SocketOrError start_tcp_connect(const Endpoint& to);
// 0 when a non-blocking connect succeeded, else the errno.
int connect_error(int fd);
// One datagram into `buf`; std::nullopt when none is waiting (or on error).
std::optional<std::size_t> receive_datagram(int fd, std::span<std::uint8_t> buf, Endpoint& from);
// The port a socket is bound to.
std::uint16_t local_port(int fd);

}  // namespace pva::net
