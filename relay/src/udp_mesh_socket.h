// MeshSocket on one long-lived UDP socket bound to 0.0.0.0:<mesh port>. SnowSignal
// opens a new socket per send; peers are therefore told apart by IP only.
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
  UdpMeshSocket(std::uint16_t port, int buffer_bytes = kDefaultBuffer);
  ~UdpMeshSocket() override;
  UdpMeshSocket(const UdpMeshSocket&) = delete;
  UdpMeshSocket& operator=(const UdpMeshSocket&) = delete;

  int selectable_fd() const override { return fd_; }
  SendStatus send_to(Ipv4Address peer, std::uint16_t port, std::span<const Byte> payload) override;
  void send_to_each(std::span<const Ipv4Address> peers, std::uint16_t port,
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

 private:
  bool refill();

  int fd_ = -1;
  const char* error_ = "";
  bool forced_ = false;
  // The recvmmsg batch, allocated once: datagrams [next_, count_) are waiting.
  std::vector<Byte> storage_;
  std::array<iovec, kReceiveBatch> iov_{};
  std::array<sockaddr_in, kReceiveBatch> from_{};
  std::array<mmsghdr, kReceiveBatch> messages_{};
  std::size_t next_ = 0, count_ = 0;
  // The sendmmsg batch: one message per peer, all pointing at the same payload.
  std::array<sockaddr_in, kSendBatch> to_{};
  std::array<mmsghdr, kSendBatch> outgoing_{};
};

}  // namespace snowsignal
