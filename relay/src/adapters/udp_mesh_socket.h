// MeshSocket on one long-lived UDP socket bound to [::]:<mesh port>, dual-stack
// (IPV6_V6ONLY off): IPv6 peers directly, IPv4 peers IPv4-mapped (::ffff:a.b.c.d), which
// is also how their datagrams arrive, so a peer is one address whichever family it
// speaks. On a host without IPv6 (the kernel refuses AF_INET6) it falls back to AF_INET
// on 0.0.0.0:<mesh port> and reports IPv6 peers unreachable. SnowSignal opens a new
// socket per send; peers are therefore told apart by IP only.
//
// Receive is batched: one recvmmsg() fills up to kReceiveBatch datagrams, which
// receive() then hands out one by one (a copy of at most one frame each), so a burst
// costs one system call per batch instead of one per datagram. send_to_each() sends a
// frame to every peer with one sendmmsg().
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <vector>

#include "snowsignal/mesh_socket.h"

namespace snowsignal {

class UdpMeshSocket final : public MeshSocket {
 public:
  static constexpr std::size_t kReceiveBatch = 32;
  static constexpr std::size_t kSendBatch = 64;

  // Throws std::runtime_error when the port cannot be bound. buffer_bytes: wanted
  // SO_RCVBUF and SO_SNDBUF (see receive_buffer()/send_buffer() for what was granted).
  static constexpr int kDefaultBuffer = 8 * 1024 * 1024;
  // kDualStack falls back to kIpv4Only by itself where the host has no IPv6; tests ask
  // for kIpv4Only to see that fallback's behaviour on any host.
  enum class Families { kDualStack, kIpv4Only };
  UdpMeshSocket(std::uint16_t port, int buffer_bytes = kDefaultBuffer,
                Families families = Families::kDualStack);
  ~UdpMeshSocket() override;
  UdpMeshSocket(const UdpMeshSocket&) = delete;
  UdpMeshSocket& operator=(const UdpMeshSocket&) = delete;

  int selectable_fd() const override { return fd_; }
  SendStatus send_to(IpAddress peer, std::uint16_t port, std::span<const Byte> payload) override;
  void send_to_each(std::span<const IpAddress> peers, std::uint16_t port,
                    std::span<const Byte> payload, std::span<SendStatus> statuses) override;
  std::optional<MeshDatagram> receive(std::span<Byte> buffer) override;
  const char* last_error() const override { return error_; }
  std::size_t drain_errors(const std::function<void(const MeshError&)>& handler,
                           std::size_t max_errors) override;

  // Datagrams the kernel dropped because the receive buffer was full (since start).
  std::uint64_t receive_overflows() const;
  // Buffer sizes as the kernel reports them (it doubles the request for bookkeeping).
  int receive_buffer() const;
  int send_buffer() const;
  bool buffers_forced() const { return forced_; }
  // False after the fallback to AF_INET: IPv6 peers cannot be reached.
  bool dual_stack() const { return dual_stack_; }

 private:
  bool refill();
  // Fills `to` for `peer`; 0 when this socket cannot address it (IPv6 without IPv6).
  socklen_t address_of(IpAddress peer, std::uint16_t port, sockaddr_in6& to) const;
  void configure(int buffer_bytes);

  int fd_ = -1;
  bool dual_stack_ = true;
  const char* error_ = "";
  bool forced_ = false;
  // The recvmmsg batch, allocated once: datagrams [next_, count_) are waiting.
  std::vector<Byte> storage_;
  std::array<iovec, kReceiveBatch> iov_{};
  // sockaddr_in6 is the larger: it also holds the sockaddr_in of the fallback.
  std::array<sockaddr_in6, kReceiveBatch> from_{};
  std::array<mmsghdr, kReceiveBatch> messages_{};
  std::size_t next_ = 0, count_ = 0;
  // The sendmmsg batch: one message per peer, all pointing at the same payload.
  std::array<sockaddr_in6, kSendBatch> to_{};
  std::array<mmsghdr, kSendBatch> outgoing_{};
  std::array<std::size_t, kSendBatch> outgoing_peer_{};  // index into send_to_each's peers
};

}  // namespace snowsignal
