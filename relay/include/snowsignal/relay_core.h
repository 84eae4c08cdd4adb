// The relay itself: capture side (classify, dedup, encode, send to every peer) and mesh
// side (authenticate sender, decode, validate, dedup, rewrite, emit). Knows nothing of
// libtins or sockets; it talks only to the seams it is given.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "snowsignal/clock.h"
#include "snowsignal/counters.h"
#include "snowsignal/frame_sink.h"
#include "snowsignal/frame_source.h"
#include "snowsignal/interface_info.h"
#include "snowsignal/mesh_socket.h"
#include "snowsignal/peer_directory.h"
#include "snowsignal/peer_health.h"

namespace snowsignal {

struct RelaySettings {
  std::uint16_t broadcast_port = 5076;
  std::uint16_t mesh_port = 7124;
  Duration dedup_window = std::chrono::milliseconds(500);
};

class RelayCore final : public FrameHandler {
 public:
  // All references must outlive the core. Allocates its buffers once, here.
  RelayCore(const RelaySettings& settings, const InterfaceInfo& interface, MeshSocket& mesh,
            FrameSink& sink, const PeerDirectory& peers, const Clock& clock);
  ~RelayCore() override;
  RelayCore(const RelayCore&) = delete;
  RelayCore& operator=(const RelayCore&) = delete;

  // A frame from the capture on the target interface.
  void on_captured(std::span<const Byte> frame, bool truncated) override;
  // A datagram read from the mesh socket.
  void on_mesh_datagram(Ipv4Address from, std::span<const Byte> datagram, bool truncated);

  // Reads every waiting datagram (at most `max_datagrams`) from the mesh socket.
  std::size_t drain_mesh(std::size_t max_datagrams);
  // Reads the mesh socket's queued errors (ICMP port/host/net unreachable) into the
  // peers' health; call when the socket polls POLLERR.
  std::size_t drain_mesh_errors(std::size_t max_errors);
  // Follows the peer directory and applies the peers' time-based state changes. Call
  // a few times a second; it is cheap.
  void tick();

  const PeerHealth& peer_health() const;
  // Mesh v2 (issue 10) feeds heartbeats and RTT here (PeerLivenessObserver) and calls
  // expect_heartbeats() when they are on.
  PeerHealth& peer_health();

  const Counters& counters() const { return counters_; }
  void set_capture_kernel_drops(std::uint64_t drops) { counters_.capture_kernel_drops = drops; }
  void set_mesh_receive_overflows(std::uint64_t drops) { counters_.mesh_receive_overflows = drops; }

 private:
  // Counts one peer's mesh send result and warns (rate-limited) when it failed.
  void note_mesh_send(Ipv4Address peer, std::size_t size, SendStatus status, TimePoint now);

  struct State;
  std::unique_ptr<State> state_;
  Counters counters_;
};

}  // namespace snowsignal
