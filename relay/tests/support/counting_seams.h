// Allocation-free stand-ins for the seams that only count what the core does: for the
// counted no-allocation test and for the mesh v2 benchmark, which drive the real core
// without mocks (a mock's bookkeeping allocates and costs time of its own).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "snowsignal/clock.h"
#include "snowsignal/frame_sink.h"
#include "snowsignal/mesh_socket.h"
#include "snowsignal/peer_directory.h"

namespace snowsignal::testing {

struct CountingMesh : MeshSocket {
  std::size_t sent = 0;
  int selectable_fd() const override { return -1; }
  SendStatus send_to(IpAddress, std::uint16_t, std::span<const Byte>) override {
    ++sent;
    return SendStatus::kOk;
  }
  std::optional<MeshDatagram> receive(std::span<Byte>) override { return std::nullopt; }
  const char* last_error() const override { return ""; }
};

struct CountingSink : FrameSink {
  std::size_t sent = 0;
  bool send(std::span<const Byte>) override { return ++sent, true; }
  const char* last_error() const override { return ""; }
};

struct StaticPeers : PeerDirectory {
  explicit StaticPeers(std::vector<IpAddress> peers) : list(std::move(peers)) {}
  std::vector<IpAddress> list;
  const std::vector<IpAddress>& peers() const override { return list; }
  bool self_relay() const override { return false; }
  void refresh() override {}
};

// Moves on by `step` at every reading, so time-based rules (dedup windows, replay, rate
// limits) see time pass without a real clock.
struct SteppingClock : Clock {
  explicit SteppingClock(Duration each_reading) : step(each_reading) {}
  Duration step;
  mutable TimePoint t{std::chrono::seconds(1)};
  TimePoint now() const override { return t += step; }
};

}  // namespace snowsignal::testing
