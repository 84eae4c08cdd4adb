#include "udp_mesh_socket.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace snowsignal {

namespace {

// Larger than any datagram: a longer one is reported truncated (MSG_TRUNC).
constexpr std::size_t kSlot = 65536;

int get_int(int fd, int option) {
  int value = 0;
  socklen_t size = sizeof value;
  ::getsockopt(fd, SOL_SOCKET, option, &value, &size);
  return value;
}

// SO_*BUFFORCE passes net.core.rmem_max/wmem_max with CAP_NET_ADMIN; without it the
// plain option is capped there. Either way the caller logs what was granted.
bool set_buffer(int fd, int force, int plain, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) == 0) return true;
  ::setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);
  return false;
}

bool is_unreachable(int error) {
  return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH;
}

// With IP_RECVERR the kernel also keeps the latest ICMP error as the socket's pending
// error and fails the next send or receive with it, once, whatever that call is about
// (udp(7), ip(7)). The error queue tells which peer it was for; the call that got the
// stale error is simply made again. EAGAIN (buffer full) is not stale: retrying is moot.
bool may_be_stale_icmp_error(int error) {
  return error != EAGAIN && error != EWOULDBLOCK;
}

constexpr const char* kNoIpv6 =
    "IPv6 peer, but this host has no IPv6 (the mesh socket fell back to IPv4 only)";

// The address in a sockaddr_in6 or (fallback socket) sockaddr_in; IPv4 comes IPv4-mapped
// from the dual-stack socket already.
IpAddress address_from(const sockaddr_in6& from) {
  if (from.sin6_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, &from, sizeof v4);
    return IpAddress::from_v4(Ipv4Address{ntohl(v4.sin_addr.s_addr)});
  }
  IpAddress address;
  std::memcpy(address.octets.data(), &from.sin6_addr, address.octets.size());
  return address;
}

}  // namespace

UdpMeshSocket::UdpMeshSocket(std::uint16_t port, int buffer_bytes, Families families)
    : storage_(kReceiveBatch * kSlot) {
  if (families == Families::kDualStack) {
    fd_ = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int error = errno;
    const int off = 0;
    if (fd_ >= 0 && ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0) {
      error = errno;
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ < 0) {
      // EAFNOSUPPORT: the kernel runs without IPv6 (ipv6.disable=1, or no module).
      spdlog::warn(
          "mesh socket: no IPv6 on this host ({}); using IPv4 only, IPv6 peers cannot be "
          "reached",
          std::strerror(error));
    }
  }
  if (fd_ < 0) {
    dual_stack_ = false;
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  }
  if (fd_ < 0) throw std::runtime_error(std::string("mesh socket: ") + std::strerror(errno));
  configure(buffer_bytes);
  sockaddr_in6 address{};
  socklen_t size = 0;
  if (dual_stack_) {
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_any;
    size = sizeof(sockaddr_in6);
  } else {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    v4.sin_addr.s_addr = htonl(INADDR_ANY);
    std::memcpy(&address, &v4, sizeof v4);
    size = sizeof v4;
  }
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), size) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error(std::string("cannot bind mesh port ") +
                             (dual_stack_ ? "[::]:" : "0.0.0.0:") + std::to_string(port) + ": " +
                             error);
  }
}

void UdpMeshSocket::configure(int buffer_bytes) {
  // Bursts of searches must fit in the receive buffer while we are not scheduled.
  forced_ = set_buffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, buffer_bytes);
  forced_ = set_buffer(fd_, SO_SNDBUFFORCE, SO_SNDBUF, buffer_bytes) && forced_;
  // Never set DF: a full-MTU frame plus "SS" and the outer headers exceeds the path MTU,
  // and must be fragmented (locally or by a router) rather than dropped. IPv6 routers
  // never fragment; this makes the kernel fragment here instead of failing the send.
  const int pmtu = IP_PMTUDISC_DONT;
  ::setsockopt(fd_, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
  if (dual_stack_) {
    const int pmtu6 = IPV6_PMTUDISC_DONT;
    ::setsockopt(fd_, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu6, sizeof pmtu6);
  }
  // Queue ICMP errors (port/host/net unreachable) for drain_errors(): on an unconnected
  // socket Linux reports them nowhere else, and they are how we learn that a peer host
  // is up but runs no relay. On the dual-stack socket IP_RECVERR covers IPv4-mapped
  // peers (ICMP) and IPV6_RECVERR the IPv6 ones (ICMPv6); both are read as IPV6_RECVERR.
  const int on = 1;
  if (::setsockopt(fd_, IPPROTO_IP, IP_RECVERR, &on, sizeof on) != 0 ||
      (dual_stack_ && ::setsockopt(fd_, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on) != 0)) {
    spdlog::warn("mesh socket: IP_RECVERR/IPV6_RECVERR: {}; unreachable peers will not be noticed",
                 std::strerror(errno));
  }
}

UdpMeshSocket::~UdpMeshSocket() {
  ::close(fd_);
}

socklen_t UdpMeshSocket::address_of(IpAddress peer, std::uint16_t port, sockaddr_in6& to) const {
  to = {};
  if (dual_stack_) {
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(port);
    std::memcpy(&to.sin6_addr, peer.octets.data(), peer.octets.size());
    return sizeof to;
  }
  if (!peer.is_v4()) return 0;
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_port = htons(port);
  v4.sin_addr.s_addr = htonl(peer.v4().value);
  std::memcpy(&to, &v4, sizeof v4);
  return sizeof v4;
}

SendStatus UdpMeshSocket::send_to(IpAddress peer, std::uint16_t port,
                                  std::span<const Byte> payload) {
  sockaddr_in6 address;
  const socklen_t size = address_of(peer, port, address);
  if (size == 0) {
    error_ = kNoIpv6;
    return SendStatus::kUnreachable;
  }
  const auto send = [&] {
    return ::sendto(fd_, payload.data(), payload.size(), 0,
                    reinterpret_cast<const sockaddr*>(&address), size);
  };
  ssize_t sent = send();
  if (sent < 0 && may_be_stale_icmp_error(errno)) sent = send();
  if (sent >= 0) return SendStatus::kOk;
  error_ = std::strerror(errno);
  return is_unreachable(errno) ? SendStatus::kUnreachable : SendStatus::kError;
}

void UdpMeshSocket::send_to_each(std::span<const IpAddress> peers, std::uint16_t port,
                                 std::span<const Byte> payload, std::span<SendStatus> statuses) {
  iovec data{const_cast<Byte*>(payload.data()), payload.size()};  // sendmmsg does not write it
  std::size_t next_peer = 0;
  while (next_peer < peers.size()) {
    // One batch of addressable peers; an IPv6 peer without IPv6 is answered at once.
    std::size_t count = 0;
    for (; next_peer < peers.size() && count < kSendBatch; ++next_peer) {
      const socklen_t size = address_of(peers[next_peer], port, to_[count]);
      if (size == 0) {
        error_ = kNoIpv6;
        statuses[next_peer] = SendStatus::kUnreachable;
        continue;
      }
      outgoing_[count] = {};
      outgoing_[count].msg_hdr.msg_name = &to_[count];
      outgoing_[count].msg_hdr.msg_namelen = size;
      outgoing_[count].msg_hdr.msg_iov = &data;
      outgoing_[count].msg_hdr.msg_iovlen = 1;
      outgoing_peer_[count] = next_peer;
      ++count;
    }
    // sendmmsg stops at the first failing message and reports how many went; the next
    // call then returns that message's error, which belongs to that peer alone.
    // A pending ICMP error (IP_RECVERR) may fail one call whatever it sends: retried
    // once, as in send_to().
    bool retried = false;
    for (std::size_t i = 0; i < count;) {
      const int sent = ::sendmmsg(fd_, outgoing_.data() + i, static_cast<unsigned>(count - i), 0);
      if (sent > 0) {
        for (int k = 0; k < sent; ++k) statuses[outgoing_peer_[i++]] = SendStatus::kOk;
        retried = false;
        continue;
      }
      if (sent < 0 && !retried && may_be_stale_icmp_error(errno)) {
        retried = true;
        continue;
      }
      error_ = sent < 0 ? std::strerror(errno) : "nothing sent";
      statuses[outgoing_peer_[i++]] =
          sent < 0 && is_unreachable(errno) ? SendStatus::kUnreachable : SendStatus::kError;
      retried = false;
    }
  }
}

bool UdpMeshSocket::refill() {
  for (std::size_t i = 0; i < kReceiveBatch; ++i) {
    iov_[i] = {storage_.data() + i * kSlot, kSlot};
    messages_[i] = {};
    messages_[i].msg_hdr.msg_name = &from_[i];
    messages_[i].msg_hdr.msg_namelen = sizeof from_[i];
    messages_[i].msg_hdr.msg_iov = &iov_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
  }
  const auto receive_batch = [&] {
    return ::recvmmsg(fd_, messages_.data(), kReceiveBatch, 0, nullptr);
  };
  int count = receive_batch();
  if (count < 0 && may_be_stale_icmp_error(errno)) count = receive_batch();
  if (count < 0) {
    // EAGAIN: drained. Anything else (a stale ICMP error was retried above) is
    // unexpected; say so rather than stop reading silently.
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      spdlog::warn("mesh receive failed: {}", std::strerror(errno));
    }
    return false;
  }
  next_ = 0;
  count_ = static_cast<std::size_t>(count);
  return count_ > 0;
}

std::optional<MeshDatagram> UdpMeshSocket::receive(std::span<Byte> buffer) {
  if (next_ == count_ && !refill()) return std::nullopt;
  const std::size_t i = next_++;
  const msghdr& header = messages_[i].msg_hdr;
  const std::size_t size = messages_[i].msg_len;
  // Truncated by our slot (MSG_TRUNC) or longer than the caller's buffer: either way
  // the core drops it as oversize.
  const bool truncated = (header.msg_flags & MSG_TRUNC) != 0 || size > buffer.size();
  const std::size_t kept = std::min(size, buffer.size());
  std::memcpy(buffer.data(), storage_.data() + i * kSlot, kept);
  return MeshDatagram{address_from(from_[i]), kept, truncated};
}

std::uint64_t UdpMeshSocket::receive_overflows() const {
  // SO_MEMINFO reads the socket's drop count at any time, so an overflow is seen even
  // when no datagram follows it (SO_RXQ_OVFL only reports with the next datagram).
  std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
  socklen_t size = sizeof info;
  if (::getsockopt(fd_, SOL_SOCKET, SO_MEMINFO, info.data(), &size) != 0) return 0;
  return info[SK_MEMINFO_DROPS];
}

int UdpMeshSocket::receive_buffer() const {
  return get_int(fd_, SO_RCVBUF);
}

int UdpMeshSocket::send_buffer() const {
  return get_int(fd_, SO_SNDBUF);
}

std::size_t UdpMeshSocket::drain_errors(const std::function<void(const MeshError&)>& handler,
                                        std::size_t max_errors) {
  std::size_t count = 0;
  for (; count < max_errors; ++count) {
    sockaddr_in6 destination{};
    std::array<Byte, 64> payload{};  // the start of our datagram; not needed
    iovec io{payload.data(), payload.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(sock_extended_err) + sizeof(sockaddr_in6))>
        control{};
    msghdr message{};
    message.msg_name = &destination;
    message.msg_namelen = sizeof destination;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    if (::recvmsg(fd_, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
      // The dual-stack socket reports errors of both families as IPV6_RECVERR (an ICMP
      // one about an IPv4-mapped peer included); the fallback socket as IP_RECVERR.
      const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
      const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
      if (!v6 && !v4) continue;
      sock_extended_err ee{};
      std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
      MeshError error;
      // msg_name is where the datagram that failed was going: the peer (ip(7), ipv6(7)).
      error.peer = address_from(destination);
      error.origin = ee.ee_origin == SO_EE_ORIGIN_ICMP    ? MeshError::Origin::kIcmp
                     : ee.ee_origin == SO_EE_ORIGIN_ICMP6 ? MeshError::Origin::kIcmp6
                                                          : MeshError::Origin::kLocal;
      error.icmp_type = ee.ee_type;
      error.icmp_code = ee.ee_code;
      error.error_number = static_cast<int>(ee.ee_errno);
      // The offender (who sent the ICMP) follows the structure in the same message: a
      // sockaddr_in6 on the dual-stack socket (IPv4-mapped for ICMP), else a sockaddr_in.
      const auto* offender = reinterpret_cast<const unsigned char*>(CMSG_DATA(c)) + sizeof ee;
      const std::size_t offender_size = c->cmsg_len - CMSG_LEN(sizeof ee);
      sa_family_t family = AF_UNSPEC;
      if (c->cmsg_len > CMSG_LEN(sizeof ee) + sizeof family) {
        std::memcpy(&family, offender, sizeof family);
      }
      if ((family == AF_INET6 && offender_size >= sizeof(sockaddr_in6)) ||
          (family == AF_INET && offender_size >= sizeof(sockaddr_in))) {
        sockaddr_in6 reporter{};
        std::memcpy(&reporter, offender,
                    family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
        error.reporter = address_from(reporter);
      }
      handler(error);
    }
  }
  return count;
}

}  // namespace snowsignal
