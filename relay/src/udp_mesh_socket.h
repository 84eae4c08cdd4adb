// MeshSocket on one long-lived UDP socket bound to 0.0.0.0:<mesh port>. SnowSignal
// opens a new socket per send; peers are therefore told apart by IP only.
#pragma once

#include <cstdint>

#include "snowsignal/mesh_socket.h"

namespace snowsignal {

class UdpMeshSocket final : public MeshSocket {
 public:
  // Throws std::runtime_error when the port cannot be bound.
  explicit UdpMeshSocket(std::uint16_t port);
  ~UdpMeshSocket() override;
  UdpMeshSocket(const UdpMeshSocket&) = delete;
  UdpMeshSocket& operator=(const UdpMeshSocket&) = delete;

  int selectable_fd() const override { return fd_; }
  SendStatus send_to(Ipv4Address peer, std::uint16_t port, std::span<const Byte> payload) override;
  std::optional<MeshDatagram> receive(std::span<Byte> buffer) override;
  const char* last_error() const override { return error_; }
  std::size_t drain_errors(const std::function<void(const MeshError&)>& handler,
                           std::size_t max_errors) override;

 private:
  int fd_ = -1;
  const char* error_ = "";
};

}  // namespace snowsignal
