#include "udp_mesh_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace snowsignal {

namespace {

constexpr int kSocketBuffer = 4 * 1024 * 1024;

bool is_unreachable(int error) {
  return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH;
}

}  // namespace

UdpMeshSocket::UdpMeshSocket(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("mesh socket: ") + std::strerror(errno));
  // Best effort: bigger buffers absorb bursts of searches; the kernel caps them.
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kSocketBuffer, sizeof kSocketBuffer);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &kSocketBuffer, sizeof kSocketBuffer);
  // Never set DF: a full-MTU frame plus "SS" and the outer headers exceeds the path MTU,
  // and must be fragmented (locally or by a router) rather than dropped.
  const int pmtu = IP_PMTUDISC_DONT;
  ::setsockopt(fd_, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("cannot bind mesh port 0.0.0.0:" + std::to_string(port) + ": " +
                             error);
  }
}

UdpMeshSocket::~UdpMeshSocket() {
  ::close(fd_);
}

SendStatus UdpMeshSocket::send_to(Ipv4Address peer, std::uint16_t port,
                                  std::span<const Byte> payload) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(peer.value);
  const ssize_t sent = ::sendto(fd_, payload.data(), payload.size(), 0,
                                reinterpret_cast<const sockaddr*>(&address), sizeof address);
  if (sent >= 0) return SendStatus::kOk;
  error_ = std::strerror(errno);
  return is_unreachable(errno) ? SendStatus::kUnreachable : SendStatus::kError;
}

std::optional<MeshDatagram> UdpMeshSocket::receive(std::span<Byte> buffer) {
  sockaddr_in from{};
  socklen_t from_size = sizeof from;
  // MSG_TRUNC: the return value is the real datagram size even if it did not fit.
  const ssize_t size = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_TRUNC,
                                  reinterpret_cast<sockaddr*>(&from), &from_size);
  if (size < 0) {
    // EAGAIN: drained. Anything else is unexpected (ICMP errors are not reported on an
    // unconnected socket without IP_RECVERR); say so rather than stop reading silently.
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      spdlog::warn("mesh receive failed: {}", std::strerror(errno));
    }
    return std::nullopt;
  }
  const auto real_size = static_cast<std::size_t>(size);
  return MeshDatagram{Ipv4Address{ntohl(from.sin_addr.s_addr)}, std::min(real_size, buffer.size()),
                      real_size > buffer.size()};
}

}  // namespace snowsignal
