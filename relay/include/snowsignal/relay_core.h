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

  const Counters& counters() const { return counters_; }
  void set_capture_kernel_drops(std::uint64_t drops) { counters_.capture_kernel_drops = drops; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  Counters counters_;
};

}  // namespace snowsignal
