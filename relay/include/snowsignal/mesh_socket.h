// Seam: the one long-lived UDP socket that carries frames between relays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

enum class SendStatus {
  kOk,
  // ICMP port/host/net unreachable came back (ECONNREFUSED, EHOSTUNREACH, ENETUNREACH):
  // the peer is down or not yet up. Expected during restarts; retried on the next frame.
  kUnreachable,
  kError,
};

struct MeshDatagram {
  Ipv4Address from;
  std::size_t size = 0;    // bytes stored in the caller's buffer
  bool truncated = false;  // the datagram was larger than the buffer
};

class MeshSocket {
 public:
  virtual ~MeshSocket() = default;
  virtual int selectable_fd() const = 0;
  virtual SendStatus send_to(Ipv4Address peer, std::uint16_t port,
                             std::span<const Byte> payload) = 0;
  // Non-blocking; nullopt when nothing is waiting.
  virtual std::optional<MeshDatagram> receive(std::span<Byte> buffer) = 0;
  virtual const char* last_error() const = 0;
};

}  // namespace snowsignal
