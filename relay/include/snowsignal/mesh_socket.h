// Seam: the one long-lived UDP socket that carries frames between relays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

enum class SendStatus {
  kOk,
  // The kernel knows at send time that the peer cannot be reached (no route, neighbour
  // unreachable: EHOSTUNREACH, ENETUNREACH, ECONNREFUSED). Expected during restarts and
  // outages; retried on the next frame. ICMP errors that come back later arrive through
  // drain_errors() instead.
  kUnreachable,
  kError,
};

struct MeshDatagram {
  IpAddress from;
  std::size_t size = 0;    // bytes stored in the caller's buffer
  bool truncated = false;  // the datagram was larger than the buffer
};

// An error the kernel reported about a datagram we sent to a peer: an ICMP or ICMPv6
// error from the peer's host or a router on the way (port, host or net unreachable), or
// a local one (the neighbour never answered ARP or neighbour discovery). Type and code
// as on the wire (ICMP: RFC 792; ICMPv6: RFC 4443, told apart by origin), errno as Linux.
struct MeshError {
  enum class Origin { kIcmp, kIcmp6, kLocal };
  IpAddress peer;      // destination of the datagram that failed
  IpAddress reporter;  // who said so: the peer's host, a router; :: when not told
  Origin origin = Origin::kIcmp;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  int error_number = 0;  // the errno the kernel attached (ECONNREFUSED, EHOSTUNREACH...)
};

class MeshSocket {
 public:
  virtual ~MeshSocket() = default;
  virtual int selectable_fd() const = 0;
  virtual SendStatus send_to(IpAddress peer, std::uint16_t port, std::span<const Byte> payload) = 0;
  // The same payload to several peers, one status per peer in `statuses` (at least
  // peers.size() long). Adapters may batch (sendmmsg: one system call for all); this
  // default sends one by one.
  virtual void send_to_each(std::span<const IpAddress> peers, std::uint16_t port,
                            std::span<const Byte> payload, std::span<SendStatus> statuses) {
    for (std::size_t i = 0; i < peers.size(); ++i) statuses[i] = send_to(peers[i], port, payload);
  }
  // Non-blocking; nullopt when nothing is waiting.
  virtual std::optional<MeshDatagram> receive(std::span<Byte> buffer) = 0;
  virtual const char* last_error() const = 0;
  // Hands at most `max_errors` queued errors to `handler` without blocking; returns how
  // many. Called when the socket polls POLLERR. Adapters without an error queue (test
  // doubles) report none, hence not pure.
  virtual std::size_t drain_errors(const std::function<void(const MeshError&)>& handler,
                                   std::size_t max_errors) {
    (void)handler;
    (void)max_errors;
    return 0;
  }
};

}  // namespace snowsignal
