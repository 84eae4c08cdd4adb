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
#include "snowsignal/traffic.h"

namespace snowsignal {

class MeshKeyring;

struct RelaySettings {
  TrafficConfig traffic;  // what is relayed: broadcast ports, multicast groups
  std::uint16_t mesh_port = 7124;
  Duration dedup_window = std::chrono::milliseconds(500);
  // Mesh format v2 (relay/README.md). Without a keyring the relay speaks v1 only and
  // the settings below are unused. The keyring must outlive the core.
  const MeshKeyring* keyring = nullptr;
  bool accept_v1 = false;  // also accept v1 (from peers' addresses)
  // Batches are filled up to this size: an IPv4 UDP payload (1472 fills a 1500 MTU);
  // when any peer is IPv6 the batches are kIpv6HeaderGrowth smaller (1452 by default).
  std::size_t mesh_datagram_size = 1472;
  Duration heartbeat_interval = std::chrono::seconds(2);  // sets how long v2 proof lasts
  std::uint64_t sender_id = 0;                            // this relay's id: random, drawn at start
  std::uint64_t boot_id = 0;                              // grows with every start (wall clock, ns)
  // Reassembly of captured IPv4 fragments: datagrams in flight and how long the
  // fragments of one may take to arrive.
  std::size_t reassembly_slots = 16;
  Duration reassembly_timeout = std::chrono::seconds(2);
  // PVA on the relay's own host (relay/README.md, "Loop and storm guard"): a frame from
  // one of our MACs whose IP source is one of this host's addresses is a local
  // process's and is relayed (otherwise it is our own re-broadcast: own_mac), and every
  // re-broadcast is also given to `local_sink`, which hands it to this host's own IP
  // stack. Off: SnowSignal's rule, every frame from our MACs is ours. The sink must
  // outlive the core.
  bool host_local = false;
  FrameSink* local_sink = nullptr;
  // Designated forwarder per segment (relay/README.md, "One copy per segment"): a
  // segment hello every interval, mates gone after three. Zero: no election, every
  // relay forwards (SnowSignal's behaviour). Needs an IPv4 address on the interface.
  Duration election_interval = Duration::zero();
};

// An IPv6 header (40 bytes) is this much larger than an IPv4 one without options.
constexpr std::size_t kIpv6HeaderGrowth = 20;

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
  void on_mesh_datagram(IpAddress from, std::span<const Byte> datagram, bool truncated);

  // Gives up on fragmented datagrams whose time is up (counted reassembly_timeout).
  // Call it periodically (about every second) so a lost fragment is counted even when
  // no further fragment arrives.
  void expire_reassembly();

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

  // End of a capture batch: sends the v2 datagram being filled, if any. The event loop
  // calls it after each capture dispatch, so batching adds no timer and no latency.
  void flush();
  // v2: one heartbeat to every peer (the event loop calls it every heartbeat interval).
  // Heartbeats and replies that authenticate feed peer_health() (on_heartbeat, on_rtt).
  void send_heartbeats();
  // Election: one segment hello on the interface (the event loop calls it every
  // election interval; tick() decides the role from what was heard).
  void send_hello();

  const Counters& counters() const { return counters_; }
  void set_capture_kernel_drops(std::uint64_t drops) { counters_.capture_kernel_drops = drops; }
  void set_mesh_receive_overflows(std::uint64_t drops) { counters_.mesh_receive_overflows = drops; }

 private:
  struct State;
  void on_mesh_v2(IpAddress from, std::span<const Byte> datagram);
  void on_mesh_frame(IpAddress from, std::span<const Byte> frame);
  // True when `peer` is sent v2 (we have a key, and in --accept-v1 mode it proved it).
  bool sends_v2(IpAddress peer, TimePoint now) const;
  bool has_v1_peer(TimePoint now) const;
  // The size v2 batches are filled up to for the current peers.
  std::size_t batch_limit() const;
  // Sends `datagram` to every current peer whose format (v1 or v2) matches, batched
  // (sendmmsg); returns how many sends succeeded.
  std::size_t send_to_peers(std::span<const Byte> datagram, bool v2, TimePoint now);
  bool send_mesh(IpAddress peer, std::span<const Byte> datagram, TimePoint now);
  // v2: tells every peer whether we forward for our segment.
  void announce_role(TimePoint now);
  // A peer that said, recently, that it stands by: it is sent no frames.
  bool stands_by(IpAddress peer, TimePoint now) const;
  // Counts one peer's mesh send result and warns (rate-limited) when it failed; true on success.
  bool note_mesh_send(IpAddress peer, std::size_t size, SendStatus status, TimePoint now);
  std::unique_ptr<State> state_;
  Counters counters_;
};

}  // namespace snowsignal
