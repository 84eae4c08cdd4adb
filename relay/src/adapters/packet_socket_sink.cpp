#include "packet_socket_sink.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace snowsignal {

PacketSocketSink::PacketSocketSink(int interface_index, const std::string& interface_name)
    : interface_index_(interface_index) {
  // Protocol 0: this socket only sends; it must not receive (and queue) any traffic.
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open AF_PACKET socket for " + interface_name + ": " +
                             std::strerror(errno) + " (needs CAP_NET_RAW)");
  }
}

PacketSocketSink::~PacketSocketSink() {
  ::close(fd_);
}

bool PacketSocketSink::send(std::span<const Byte> frame) {
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_IP);
  address.sll_ifindex = interface_index_;
  address.sll_halen = ETH_ALEN;
  std::memset(address.sll_addr, 0xff, ETH_ALEN);
  const ssize_t sent = ::sendto(fd_, frame.data(), frame.size(), 0,
                                reinterpret_cast<const sockaddr*>(&address), sizeof address);
  if (sent == static_cast<ssize_t>(frame.size())) return true;
  error_ = sent < 0 ? std::strerror(errno) : "short write";
  return false;
}

}  // namespace snowsignal
