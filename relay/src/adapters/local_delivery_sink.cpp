#include "local_delivery_sink.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace snowsignal {

namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kIpv4TtlOffset = 8;
constexpr std::size_t kIpv4DestinationOffset = 16;
constexpr std::size_t kIpv6HopLimitOffset = 7;
constexpr std::size_t kIpv6DestinationOffset = 24;

int open_socket(int family, int type, int protocol, const std::string& what) {
  const int fd = ::socket(family, type | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    throw std::runtime_error("cannot open " + what + " for delivery to this host: " +
                             std::strerror(errno) + " (needs CAP_NET_RAW)");
  }
  return fd;
}

}  // namespace

namespace {

int loopback_index() {
  const auto index = static_cast<int>(::if_nametoindex("lo"));
  if (index == 0) throw std::runtime_error("no loopback interface 'lo' on this host");
  return index;
}

}  // namespace

LocalDeliverySink::LocalDeliverySink(int interface_index, const std::string& interface_name)
    : interface_index_(interface_index), loopback_(loopback_index(), "lo") {
  // IPPROTO_RAW: these sockets only send, the IP header given whole.
  raw4_fd_ = open_socket(AF_INET, SOCK_RAW, IPPROTO_RAW, "a raw IPv4 socket");
  try {
    raw6_fd_ = open_socket(AF_INET6, SOCK_RAW, IPPROTO_RAW, "a raw IPv6 socket");
  } catch (...) {
    ::close(raw4_fd_);
    throw;
  }
  ip_mreqn request{};
  request.imr_ifindex = interface_index;
  const unsigned index = static_cast<unsigned>(interface_index);
  if (::setsockopt(raw4_fd_, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request) != 0 ||
      ::setsockopt(raw6_fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0) {
    const std::string error = std::strerror(errno);
    ::close(raw4_fd_);
    ::close(raw6_fd_);
    throw std::runtime_error("cannot send multicast on " + interface_name + ": " + error);
  }
}

LocalDeliverySink::~LocalDeliverySink() {
  ::close(raw4_fd_);
  ::close(raw6_fd_);
}

bool LocalDeliverySink::sent(long result, std::size_t size) {
  if (result == static_cast<long>(size)) return true;
  error_ = result < 0 ? std::strerror(errno) : "short write";
  return false;
}

bool LocalDeliverySink::send(std::span<const Byte> frame) {
  if (frame.size() <= kEthernetHeader) {
    error_ = "frame too short";
    return false;
  }
  const auto ethertype = static_cast<unsigned>(frame[12] << 8 | frame[13]);
  const std::span<const Byte> packet = frame.subspan(kEthernetHeader);
  if (ethertype == ETH_P_IPV6) return send_ipv6_multicast(packet);
  if (ethertype != ETH_P_IP || packet.size() < 20) {
    error_ = "not an IP frame";
    return false;
  }
  if ((packet[kIpv4DestinationOffset] & 0xf0) == 0xe0) return send_ipv4_multicast(packet);
  // A broadcast: in through loopback, as the frame it is.
  if (loopback_.send(frame)) return true;
  error_ = loopback_.last_error();
  return false;
}

bool LocalDeliverySink::send_ipv4_multicast(std::span<const Byte> packet) {
  if (packet.size() > packet_.size()) {
    error_ = "packet too large";
    return false;
  }
  std::memcpy(packet_.data(), packet.data(), packet.size());
  // TTL 0: looped back to this host's members, never sent (the kernel recomputes the
  // header checksum of a raw IPv4 packet it is given whole).
  packet_[kIpv4TtlOffset] = 0;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, packet.data() + kIpv4DestinationOffset, 4);
  return sent(::sendto(raw4_fd_, packet_.data(), packet.size(), 0,
                       reinterpret_cast<const sockaddr*>(&to), sizeof to),
              packet.size());
}

bool LocalDeliverySink::send_ipv6_multicast(std::span<const Byte> packet) {
  if (packet.size() < 40 || packet.size() > packet_.size()) {
    error_ = packet.size() < 40 ? "packet too short" : "packet too large";
    return false;
  }
  std::memcpy(packet_.data(), packet.data(), packet.size());
  packet_[kIpv6HopLimitOffset] = 0;  // looped back, never sent; no header checksum in IPv6
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(&to.sin6_addr, packet.data() + kIpv6DestinationOffset, 16);
  to.sin6_scope_id = static_cast<std::uint32_t>(interface_index_);
  return sent(::sendto(raw6_fd_, packet_.data(), packet.size(), 0,
                       reinterpret_cast<const sockaddr*>(&to), sizeof to),
              packet.size());
}

}  // namespace snowsignal
