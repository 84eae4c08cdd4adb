// The budget "no heap allocation per packet in steady state", measured: operator new is
// counted while the core relays frames both ways. Hand-written fakes, not mocks, since
// GoogleMock allocates when it records calls. Its own executable, because it replaces
// the global operator new.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "counting_seams.h"
#include "frame_view.h"
#include "frames.h"
#include "frames6.h"
#include "mesh_codec.h"
#include "mesh_mac.h"
#include "mesh_v2_codec.h"
#include "snowsignal/relay_core.h"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace snowsignal::testing {
namespace {

// The relay's segment: 198.18.2.0/24, MTU 1500.
InterfaceInfo segment_b_interface() {
  InterfaceInfo interface;
  interface.name = "eth0";
  interface.mac = mac(kOurMac);
  interface.ipv4 = ip("198.18.2.2");
  interface.broadcast = ip("198.18.2.255");
  interface.host_macs = {mac(kOurMac)};
  interface.mtu = 1500;
  return interface;
}

// What one round relays: whole datagrams captured and received from a peer, and large
// ones captured as fragments (reassembled) and received whole (fragmented again).
struct Frames {
  std::vector<Bytes> captured, from_mesh;
  std::vector<std::vector<Bytes>> captured_fragments;
  std::vector<Bytes> large_from_mesh;
};

// `rounds` rounds of `frames` through `core`, counting operator new meanwhile.
void relay_counted(RelayCore& core, const Frames& frames, int rounds) {
  counting = true;
  for (int round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < frames.captured.size(); ++i) {
      core.on_captured(frames.captured[i], false);
      core.on_mesh_datagram(peer_ip("198.18.1.2"), frames.from_mesh[i], false);
    }
    for (std::size_t i = 0; i < frames.captured_fragments.size(); ++i) {
      for (const Bytes& fragment : frames.captured_fragments[i]) core.on_captured(fragment, false);
      core.on_mesh_datagram(peer_ip("198.18.1.2"), frames.large_from_mesh[i], false);
    }
  }
  counting = false;
}

TEST(HotPath, RelaysFramesBothWaysWithoutHeapAllocation) {
  spdlog::set_level(spdlog::level::info);  // the production default: debug detail is off
  const InterfaceInfo interface = segment_b_interface();
  CountingMesh mesh;
  CountingSink sink;
  StaticPeers peers({peer_ip("198.18.1.2"), peer_ip("198.18.3.2")});
  SteppingClock clock(std::chrono::milliseconds(10));
  const TrafficConfig traffic{{5076}, {{addr("239.74.163.2"), 43113}}};
  RelayCore core({traffic, 7124, std::chrono::milliseconds(500)}, interface, mesh, sink, peers,
                 clock);

  // Distinct datagrams, so the dedup cache inserts (and later evicts) entries.
  Frames frames;
  for (int i = 0; i < 64; ++i) {
    FrameSpec spec;
    spec.payload = Bytes(1337, static_cast<Byte>(i));
    frames.captured.push_back(build_frame(spec));
    spec.ip_src = "198.18.1.77";
    frames.from_mesh.push_back(mesh_v1(build_frame(spec)));
  }

  // The first datagram from a peer changes its state to up, which is logged once: that
  // is not the steady state, so it happens before counting.
  FrameSpec first;
  first.payload = Bytes(100, 0xEE);
  core.on_mesh_datagram(peer_ip("198.18.1.2"), mesh_v1(build_frame(first)), false);
  sink.sent = 0;

  // Large multicast datagrams: reassembled on capture, fragmented again on emission.
  for (int i = 0; i < 4; ++i) {
    FrameSpec spec;
    spec.eth_dst = "01:00:5e:4a:a3:02";
    spec.ip_dst = "239.74.163.2";
    spec.dport = 43113;
    spec.payload = Bytes(6000, static_cast<Byte>(i));
    frames.captured_fragments.push_back(split_into_fragments(build_frame(spec), 1500));
    spec.ip_src = "198.18.1.77";
    frames.large_from_mesh.push_back(mesh_v1(build_frame(spec)));
  }

  relay_counted(core, frames, 100);

  EXPECT_EQ(allocations.load(), 0u);
  EXPECT_EQ(core.counters().reassembled, 4u * 100);
  EXPECT_EQ(core.counters().fragmented, 4u * 100);
  // 10 ms per clock read: a datagram repeats 1.28 s later, outside the 500 ms window
  // (the 4 large ones repeat within 1.5 s: 4 * 5 + 64 * 2 reads per round).
  EXPECT_EQ(mesh.sent, 2u * 64 * 100 + 2u * 4 * 100);
  EXPECT_EQ(sink.sent, 64u * 100 + 5u * 4 * 100);  // 6008 bytes of UDP: 5 fragments each
}

// IPv6 multicast: the extension-header walk, IPv6 reassembly and re-fragmentation with a
// fragment header allocate nothing either.
TEST(HotPath, Ipv6MulticastRelaysBothWaysWithoutHeapAllocation) {
  spdlog::set_level(spdlog::level::info);
  const InterfaceInfo interface = segment_b_interface();
  CountingMesh mesh;
  CountingSink sink;
  StaticPeers peers({peer_ip("198.18.1.2"), peer_ip("198.18.3.2")});
  SteppingClock clock(std::chrono::milliseconds(10));
  const TrafficConfig traffic{{5076}, {{addr(kCanGroup), 43113}}};
  RelayCore core({traffic, 7124, std::chrono::milliseconds(500)}, interface, mesh, sink, peers,
                 clock);

  Frames frames;
  for (int i = 0; i < 64; ++i) {
    Frame6Spec spec;
    spec.payload = Bytes(500, static_cast<Byte>(i));
    spec.extensions = {{kNextHeaderHopByHop, padding_header()}};
    frames.captured.push_back(build_frame6(spec));
    spec.ip_src = "2001:db8:1::77";
    frames.from_mesh.push_back(mesh_v1(build_frame6(spec)));
  }
  for (int i = 0; i < 4; ++i) {
    Frame6Spec spec;
    spec.payload = Bytes(6000, static_cast<Byte>(i));
    frames.captured_fragments.push_back(
        split_into_fragments6(build_frame6(spec), 1500, static_cast<std::uint32_t>(i)));
    spec.ip_src = "2001:db8:1::77";
    frames.large_from_mesh.push_back(mesh_v1(build_frame6(spec)));
  }
  Frame6Spec first;  // the peer's first datagram logs its state change: before counting
  first.payload = Bytes(100, 0xEE);
  core.on_mesh_datagram(peer_ip("198.18.1.2"), mesh_v1(build_frame6(first)), false);
  sink.sent = 0;

  relay_counted(core, frames, 100);

  EXPECT_EQ(allocations.load(), 0u);
  EXPECT_EQ(core.counters().reassembled, 4u * 100);
  EXPECT_EQ(core.counters().fragmented, 4u * 100);
  EXPECT_EQ(sink.sent, 64u * 100 + 5u * 4 * 100);  // 6008 bytes of UDP: 5 fragments of 1448
}

// Mesh v2: batching, signing, verifying and the replay window add no allocation of
// ours. (OpenSSL 3 mallocs twice per MAC inside libcrypto, through malloc rather than
// operator new; the benchmark ci/bench-mesh-v2.sh counts those.)
TEST(HotPath, MeshV2RelaysFramesBothWaysWithoutHeapAllocationOfOurs) {
  spdlog::set_level(spdlog::level::info);
  InterfaceInfo interface;
  interface.name = "eth0";
  interface.mac = mac(kOurMac);
  interface.ipv4 = ip("198.18.2.2");
  interface.broadcast = ip("198.18.2.255");
  interface.host_macs = {mac(kOurMac)};
  CountingMesh mesh;
  CountingSink sink;
  StaticPeers peers({peer_ip("198.18.1.2"), peer_ip("198.18.3.2")});
  SteppingClock clock(std::chrono::milliseconds(10));
  const MeshKeyring keys({MeshKey{1, Bytes(32, 0x42)}});
  RelaySettings settings;
  settings.keyring = &keys;
  settings.sender_id = 1;
  RelayCore core(settings, interface, mesh, sink, peers, clock);

  Frames frames;
  for (int i = 0; i < 64; ++i) {
    FrameSpec spec;
    spec.payload = Bytes(300, static_cast<Byte>(i));
    frames.captured.push_back(build_frame(spec));
    spec.ip_src = "198.18.1.77";
    frames.from_mesh.push_back(build_frame(spec));
  }
  // The peer's first authenticated datagram changes its health to "up", which formats a
  // log line: once, not per packet. Done before counting.
  std::array<Byte, kMeshV2HeartbeatSize> heartbeat{};
  encode_mesh_v2_heartbeat({MeshV2Type::kHeartbeat, 1, 2, 3, 1}, 0, keys.send_mac(), heartbeat);
  core.on_mesh_datagram(peer_ip("198.18.1.2"), heartbeat, false);

  // The peer's datagrams are signed here, each with a fresh sequence, into a fixed buffer.
  std::array<Byte, kMaxMeshPayload> buffer{};
  MeshV2Builder peer(buffer);
  std::uint64_t sequence = 1;
  counting = true;
  for (int round = 0; round < 100; ++round) {
    for (std::size_t i = 0; i < frames.captured.size(); ++i) {
      core.on_captured(frames.captured[i], false);
      if (i % 4 == 3) core.flush();
      peer.clear();
      peer.add_frame(frames.from_mesh[i]);
      core.on_mesh_datagram(
          peer_ip("198.18.1.2"),
          peer.finish({MeshV2Type::kFrames, 1, 2, 3, ++sequence}, keys.send_mac()), false);
    }
    core.send_heartbeats();
  }
  counting = false;

  EXPECT_EQ(allocations.load(), 0u);
  EXPECT_EQ(mesh.sent, 1u + 2u * (64 / 4) * 100 + 2u * 100)
      << "the heartbeat's reply, batches of 4, and heartbeats";
  // 10 ms per clock read: a frame repeats 1.28 s later, outside the 500 ms window.
  EXPECT_EQ(sink.sent, 64u * 100);
  EXPECT_EQ(core.counters().dropped_for(DropReason::kReplay), 0u);
}

}  // namespace
}  // namespace snowsignal::testing
