#include "snowsignal/relay_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "dedup_cache.h"
#include "fragmenter.h"
#include "frame_rewrite.h"
#include "frame_view.h"
#include "mesh_codec.h"
#include "mesh_error.h"
#include "mesh_v2_codec.h"
#include "peer_state_log.h"
#include "rate_limiter.h"
#include "reassembler.h"
#include "replay_window.h"
#include "segment_election.h"
#include "traffic_kinds.h"

namespace snowsignal {

namespace {

enum class Side : std::size_t { kCapture = 0, kMesh = 1 };

// Rate-limiter keys: one per drop reason per side, then the send failures.
constexpr std::size_t kMeshSendErrorKey = 2 * kDropReasonCount;
constexpr std::size_t kSinkErrorKey = kMeshSendErrorKey + 1;
constexpr std::size_t kWarnKeys = kSinkErrorKey + 1;
constexpr auto kWarnInterval = std::chrono::seconds(10);
// Peers per batched mesh send (a fixed status array: no allocation per frame).
constexpr std::size_t kMaxPeersPerSend = 64;

// Drops that are the relay working as intended are logged at debug only; everything
// else means bad or unexpected input and earns a (rate-limited) warning.
bool is_routine(DropReason reason, Side side) {
  switch (reason) {
    case DropReason::kOwnMac:
    case DropReason::kEcho:
    case DropReason::kOriginSegment:
    case DropReason::kDuplicate:
    case DropReason::kOwnSender:
    case DropReason::kStandby:
    case DropReason::kSegmentHello:
      return true;
    // On the capture side the kernel filter already selected UDP to our destinations;
    // these can only come from a filter/classifier disagreement, or (wrong_port) from a
    // fragmented datagram to another port, which the filter cannot tell apart.
    case DropReason::kNotBroadcast:
    case DropReason::kNotIpv4:
    case DropReason::kNotUdp:
    case DropReason::kWrongPort:
    case DropReason::kUnconfiguredGroup:
      return side == Side::kCapture;
    default:
      return false;
  }
}

const char* side_name(Side side) {
  return side == Side::kCapture ? "captured frame" : "mesh datagram";
}

// How many peers' v2 proofs are remembered in --accept-v1 mode; peers beyond it are
// sent v1 (the safe side: they accept it in a mixed mesh).
constexpr std::size_t kProvenPeers = 64;

struct V2Proof {
  IpAddress peer;
  TimePoint last{};
  bool used = false;
};

// What a peer last announced of its segment role (mesh v2), and when.
struct PeerRole {
  IpAddress peer;
  TimePoint last{};
  bool standby = false;
  bool used = false;
};

bool is_host_mac(const InterfaceInfo& interface, const MacAddress& mac) {
  return mac == interface.mac || std::find(interface.host_macs.begin(), interface.host_macs.end(),
                                           mac) != interface.host_macs.end();
}

bool is_host_address(const InterfaceInfo& interface, const IpAddress& address) {
  if (address.is_v4()) {
    const Ipv4Address v4 = address.v4();
    return std::find(interface.host_ipv4s.begin(), interface.host_ipv4s.end(), v4) !=
           interface.host_ipv4s.end();
  }
  return std::find(interface.host_ipv6s.begin(), interface.host_ipv6s.end(), address) !=
         interface.host_ipv6s.end();
}

}  // namespace

struct RelayCore::State {
  RelaySettings settings;
  const InterfaceInfo& interface;
  TrafficKinds kinds;
  Reassembler reassembler;
  MeshSocket& mesh;
  FrameSink& sink;
  const PeerDirectory& peers;
  const Clock& clock;
  DedupCache dedup;
  PeerStateLog peer_log;
  PeerHealth health;
  RateLimiter<kWarnKeys> warnings{kWarnInterval};
  // Fixed buffers: the hot path copies into these and never allocates.
  std::array<Byte, kMaxMeshPayload> mesh_out{};
  std::array<Byte, kMaxMeshPayload> mesh_in{};
  std::array<Byte, kMaxFrameSize> frame_out{};
  std::array<SendStatus, kMaxPeersPerSend> send_status{};
  std::array<IpAddress, kMaxPeersPerSend> send_peers{};
  // Mesh v2: the datagram being filled, the heartbeat buffer, the replay window, and
  // (for --accept-v1) which peers proved recently that they speak v2.
  std::array<Byte, kMaxMeshPayload> batch_out{};
  MeshV2Builder batch{batch_out};
  std::array<Byte, kMeshV2HeartbeatSize> heartbeat_out{};
  std::uint64_t sequence = 0;
  ReplayWindow replay;
  std::array<V2Proof, kProvenPeers> proofs{};
  Duration proof_lifetime;
  std::array<Byte, kMaxFrameSize> fragment_out{};
  // Identification of the IPv6 datagrams we fragment (fragmenter.h): our own sequence,
  // as a source's kernel keeps one, started from this run's random id.
  std::uint32_t ipv6_identification;
  // Designated forwarder: the election (none when off), the hello frame, and the roles
  // peers announced.
  std::optional<SegmentElection> election;
  std::array<Byte, kHelloFrameSize> hello_out{};
  std::array<PeerRole, kProvenPeers> roles{};

  State(const RelaySettings& s, const InterfaceInfo& i, MeshSocket& m, FrameSink& f,
        const PeerDirectory& p, const Clock& c)
      : settings(s),
        interface(i),
        kinds(s.traffic),
        reassembler(ReassemblyLimits{s.reassembly_slots, s.reassembly_timeout}),
        mesh(m),
        sink(f),
        peers(p),
        clock(c),
        dedup(s.dedup_window),
        peer_log(c),
        health(PeerHealthSettings{}, &peer_log),
        proof_lifetime(std::max<Duration>(3 * s.heartbeat_interval, std::chrono::seconds(10))),
        ipv6_identification(static_cast<std::uint32_t>(s.sender_id ^ (s.sender_id >> 32))) {
    if (s.election_interval > Duration::zero() && i.ipv4) {
      election.emplace(*i.ipv4, 3 * s.election_interval);
    }
    health.set_peers(p.peers(), c.now());
    // v2 heartbeats make a quiet peer "silent". Not in a mixed mesh: a v1 peer has none.
    if (s.keyring != nullptr && !s.accept_v1 && s.heartbeat_interval > Duration::zero()) {
      health.expect_heartbeats(3 * s.heartbeat_interval);
    }
  }

  MeshV2Header next_header(MeshV2Type type) {
    return {type, settings.keyring->send_key_id(), settings.sender_id, settings.boot_id,
            ++sequence};
  }

  void note_v2(IpAddress peer, TimePoint now) {
    if (!settings.accept_v1) return;
    V2Proof* oldest = &proofs[0];
    for (V2Proof& proof : proofs) {
      if (proof.used && proof.peer == peer) {
        proof.last = now;
        return;
      }
      if (!proof.used || (oldest->used && proof.last < oldest->last)) oldest = &proof;
    }
    *oldest = V2Proof{peer, now, true};
  }

  void note_role(IpAddress peer, bool standby, TimePoint now) {
    PeerRole* oldest = &roles[0];
    for (PeerRole& role : roles) {
      if (role.used && role.peer == peer) {
        role.last = now;
        role.standby = standby;
        return;
      }
      if (!role.used || (oldest->used && role.last < oldest->last)) oldest = &role;
    }
    *oldest = PeerRole{peer, now, standby, true};
  }
};

RelayCore::RelayCore(const RelaySettings& settings, const InterfaceInfo& interface,
                     MeshSocket& mesh, FrameSink& sink, const PeerDirectory& peers,
                     const Clock& clock)
    : state_(std::make_unique<State>(settings, interface, mesh, sink, peers, clock)) {
  if (state_->election) {
    counters_.role = SegmentRole::kForwarder;
    counters_.designated = *interface.ipv4;
  }
}

RelayCore::~RelayCore() = default;

namespace {

// `from`: a captured frame's IP source, or the peer a mesh datagram came from.
template <typename Address>
void log_drop(RateLimiter<kWarnKeys>& warnings, TimePoint now, DropReason reason, Side side,
              const Address& from) {
  if (is_routine(reason, side)) {
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("drop {} from {}: {}", side_name(side), from.to_string(),
                    drop_reason_name(reason));
    }
    return;
  }
  if (!spdlog::should_log(spdlog::level::warn)) return;
  const std::size_t key =
      static_cast<std::size_t>(side) * kDropReasonCount + static_cast<std::size_t>(reason);
  if (auto suppressed = warnings.admit(key, now)) {
    spdlog::warn("dropped {} from {}: {} ({} similar suppressed since the last warning)",
                 side_name(side), from.to_string(), drop_reason_name(reason), *suppressed);
  }
}

}  // namespace

void RelayCore::expire_reassembly() {
  State& s = *state_;
  const std::size_t expired = s.reassembler.expire(s.clock.now());
  for (std::size_t i = 0; i < expired; ++i) {
    counters_.drop(DropReason::kReassemblyTimeout);
    log_drop(s.warnings, s.clock.now(), DropReason::kReassemblyTimeout, Side::kCapture,
             IpAddress{});
  }
}

void RelayCore::on_captured(std::span<const Byte> captured, bool truncated) {
  State& s = *state_;
  const auto drop = [&](DropReason reason, const IpAddress& from = {}) {
    counters_.drop(reason);
    log_drop(s.warnings, s.clock.now(), reason, Side::kCapture, from);
  };
  std::span<const Byte> frame = captured;
  // Parsed once: the election, the loop guard and the classifier ask the same view.
  const std::optional<EthernetView> ethernet = parse_ethernet(frame);
  // A relay's segment hello is election business, not traffic: hellos_received, not
  // captured (a quiet segment keeps captured at 0).
  if (s.election && ethernet && !truncated) {
    if (const auto hello = parse_segment_hello(*ethernet, s.settings.mesh_port)) {
      // Our own (captured back with host-local on) says nothing about the segment.
      if (hello->sender == s.settings.sender_id) return;
      const IpAddress source = IpAddress::from_v4(hello->ip_source);
      // Only a peer may make us stand by; an L2 neighbour spoofing one is what is left.
      const std::vector<IpAddress>& peers = s.peers.peers();
      if (hello->address != hello->ip_source ||
          !std::binary_search(peers.begin(), peers.end(), source)) {
        ++counters_.captured;
        return drop(DropReason::kUnknownPeer, source);
      }
      ++counters_.hellos_received;
      s.election->heard(hello->address, s.clock.now());
      return;
    }
  }
  ++counters_.captured;
  // A capture shorter than the wire frame cannot be relayed intact (SnowSignal cut
  // every frame at 1024 bytes; we would rather drop than send a broken datagram).
  if (truncated) return drop(DropReason::kOversize);
  if (!ethernet) return drop(DropReason::kMalformed);
  // From one of our MACs: our own re-broadcast (it keeps its client's foreign source)
  // or, with host-local on, a datagram a process on this host sent from one of its
  // addresses. Off, SnowSignal's rule: everything from our MACs is ours.
  const bool from_this_host = is_host_mac(s.interface, ethernet->source_mac);
  if (from_this_host && !s.settings.host_local) return drop(DropReason::kOwnMac);

  Classified classified = s.kinds.classify(*ethernet);
  if (from_this_host &&
      !is_host_address(s.interface, classified.fragment || classified.drop
                                        ? classified.ip.ip_source
                                        : classified.view.ip_source)) {
    return drop(DropReason::kOwnMac);
  }
  if (classified.fragment) {
    // Part of a datagram larger than the sender's MTU: held until the rest arrives, then
    // judged (port included) and relayed whole.
    const ReassemblyOutcome outcome = s.reassembler.add(classified.ip, s.clock.now());
    for (std::size_t i = 0; i < outcome.expired; ++i) drop(DropReason::kReassemblyTimeout);
    for (std::size_t i = 0; i < outcome.evicted; ++i) drop(DropReason::kReassemblyOverflow);
    if (outcome.drop) return drop(*outcome.drop, classified.ip.ip_source);
    if (outcome.complete.empty()) return;
    ++counters_.reassembled;
    // The reassembled datagram is new bytes, judged as a whole (port included).
    frame = outcome.complete;
    classified = s.kinds.classify(frame);
    if (classified.fragment) return drop(DropReason::kMalformed, classified.ip.ip_source);
  }
  if (classified.drop) return drop(*classified.drop, classified.ip.ip_source);
  const FrameView& view = classified.view;

  const TimePoint now = s.clock.now();
  if (s.dedup.enabled()) {
    const std::uint64_t fingerprint = frame_fingerprint(view);
    // Rule (a): we re-broadcast this datagram for a peer moments ago; relaying our own
    // re-broadcast back would bounce it between segments.
    if (s.dedup.received_recently(fingerprint, now)) return drop(DropReason::kEcho, view.ip_source);
    s.dedup.note_captured(fingerprint, now);
  }
  // Another relay forwards for our segment; ours stays noted above, for the take-over.
  if (s.election && !s.election->forwarder()) return drop(DropReason::kStandby, view.ip_source);

  if (from_this_host) ++counters_.local_captured;
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("captured {} bytes {}:{} -> {}:{}, forwarding to {} peer(s)", frame.size(),
                  view.ip_source.to_string(), view.udp_source_port, view.ip_destination.to_string(),
                  view.udp_destination_port, s.peers.peers().size());
  }
  // The whole captured frame travels, Ethernet padding included, as SnowSignal sends it.
  // v1 goes now, to every peer that is not known to speak v2; v2 goes into the batch.
  if (has_v1_peer(now)) {
    const std::size_t v1_size = encode_mesh_v1(frame, s.mesh_out);
    if (v1_size == 0) return drop(DropReason::kOversize, view.ip_source);
    counters_.forwarded += send_to_peers({s.mesh_out.data(), v1_size}, /*v2=*/false, now);
  }
  if (s.settings.keyring == nullptr) return;
  // v2: sent by flush() at the end of this capture batch, or now if the frame would make
  // the datagram larger than the configured size.
  if (s.batch.frames() > 0 && s.batch.size_with(frame.size()) > batch_limit()) {
    flush();
  }
  if (!s.batch.add_frame(frame)) return drop(DropReason::kOversize, view.ip_source);
}

std::size_t RelayCore::batch_limit() const {
  const State& s = *state_;
  const std::vector<IpAddress>& peers = s.peers.peers();
  const bool any_ipv6 =
      std::any_of(peers.begin(), peers.end(), [](const IpAddress& peer) { return !peer.is_v4(); });
  // The datagram size is an IPv4 UDP payload; the IPv6 header is 20 bytes larger, and
  // every peer gets the same datagram, so one IPv6 peer makes the whole batch smaller.
  return any_ipv6 ? s.settings.mesh_datagram_size - kIpv6HeaderGrowth
                  : s.settings.mesh_datagram_size;
}

bool RelayCore::sends_v2(IpAddress peer, TimePoint now) const {
  const State& s = *state_;
  if (s.settings.keyring == nullptr) return false;
  if (!s.settings.accept_v1) return true;
  for (const V2Proof& proof : s.proofs) {
    if (proof.used && proof.peer == peer) return now - proof.last < s.proof_lifetime;
  }
  return false;
}

bool RelayCore::has_v1_peer(TimePoint now) const {
  const State& s = *state_;
  if (s.settings.keyring == nullptr) return true;
  if (!s.settings.accept_v1) return false;
  const std::vector<IpAddress>& peers = s.peers.peers();
  return std::any_of(peers.begin(), peers.end(),
                     [&](const IpAddress& peer) { return !sends_v2(peer, now); });
}

std::size_t RelayCore::send_to_peers(std::span<const Byte> datagram, bool v2, TimePoint now) {
  State& s = *state_;
  std::size_t sent = 0;
  std::size_t count = 0;
  // One sendmmsg per kMaxPeersPerSend peers (in the adapter), into fixed arrays.
  const auto send_chunk = [&] {
    s.mesh.send_to_each({s.send_peers.data(), count}, s.settings.mesh_port, datagram,
                        {s.send_status.data(), count});
    for (std::size_t i = 0; i < count; ++i) {
      if (note_mesh_send(s.send_peers[i], datagram.size(), s.send_status[i], now)) ++sent;
    }
    count = 0;
  };
  for (const IpAddress& peer : s.peers.peers()) {
    if (sends_v2(peer, now) != v2 || stands_by(peer, now)) continue;
    s.send_peers[count++] = peer;
    if (count == kMaxPeersPerSend) send_chunk();
  }
  if (count > 0) send_chunk();
  return sent;
}

bool RelayCore::send_mesh(IpAddress peer, std::span<const Byte> datagram, TimePoint now) {
  State& s = *state_;
  return note_mesh_send(peer, datagram.size(), s.mesh.send_to(peer, s.settings.mesh_port, datagram),
                        now);
}

bool RelayCore::note_mesh_send(IpAddress peer, std::size_t size, SendStatus status, TimePoint now) {
  State& s = *state_;
  if (status == SendStatus::kOk) {
    s.health.sent_to(peer, size, now);
    return true;
  }
  ++counters_.send_errors;
  ++counters_.mesh_send_errors;
  const char* error = s.mesh.last_error();
  const bool unreachable = status == SendStatus::kUnreachable;
  // An unreachable peer is logged once, as a change of its state, not once per send.
  s.health.send_failed(peer, unreachable ? std::optional<std::string_view>(error) : std::nullopt,
                       now);
  if (unreachable) return false;
  if (auto suppressed = s.warnings.admit(kMeshSendErrorKey, now)) {
    spdlog::warn(
        "mesh send to {}:{} failed: {} ({} similar suppressed); will retry with the next "
        "frame",
        peer.to_string(), s.settings.mesh_port, error, *suppressed);
  }
  return false;
}

void RelayCore::flush() {
  State& s = *state_;
  if (s.settings.keyring == nullptr || s.batch.frames() == 0) return;
  const TimePoint now = s.clock.now();
  const std::span<const Byte> datagram =
      s.batch.finish(s.next_header(MeshV2Type::kFrames), s.settings.keyring->send_mac());
  counters_.forwarded += send_to_peers(datagram, /*v2=*/true, now);
  s.batch.clear();
}

void RelayCore::send_heartbeats() {
  State& s = *state_;
  if (s.settings.keyring == nullptr) return;
  const TimePoint now = s.clock.now();
  const auto timestamp = static_cast<std::uint64_t>(now.time_since_epoch().count());
  const std::size_t size =
      encode_mesh_v2_heartbeat(s.next_header(MeshV2Type::kHeartbeat), timestamp,
                               s.settings.keyring->send_mac(), s.heartbeat_out);
  // Every peer, v1 ones included: in a mixed mesh the heartbeat is how a v2 peer proves
  // itself (a v1 peer drops it as bad_magic).
  for (const IpAddress& peer : s.peers.peers()) {
    if (send_mesh(peer, {s.heartbeat_out.data(), size}, now)) ++counters_.heartbeats_sent;
  }
  // With the heartbeats, while there is a segment to share: a standby's word expires,
  // so it is said again; a lone relay says nothing (peers send to it anyway).
  if (s.election && (s.election->mates() > 0 || !s.election->forwarder())) announce_role(now);
}

void RelayCore::announce_role(TimePoint now) {
  State& s = *state_;
  if (s.settings.keyring == nullptr || !s.election) return;
  const std::size_t size =
      encode_mesh_v2_heartbeat(s.next_header(MeshV2Type::kRole), s.election->forwarder() ? 1 : 0,
                               s.settings.keyring->send_mac(), s.heartbeat_out);
  for (const IpAddress& peer : s.peers.peers()) send_mesh(peer, {s.heartbeat_out.data(), size}, now);
}

bool RelayCore::stands_by(IpAddress peer, TimePoint now) const {
  const State& s = *state_;
  for (const PeerRole& role : s.roles) {
    if (role.used && role.peer == peer) return role.standby && now - role.last < s.proof_lifetime;
  }
  return false;
}

void RelayCore::send_hello() {
  State& s = *state_;
  if (!s.election) return;
  const TimePoint now = s.clock.now();
  const SegmentHello hello{s.settings.sender_id, s.settings.boot_id, *s.interface.ipv4,
                           s.election->forwarder(), *s.interface.ipv4};
  const std::size_t size = encode_segment_hello(hello, s.interface.mac, s.interface.broadcast,
                                                s.settings.mesh_port, s.hello_out);
  if (s.sink.send({s.hello_out.data(), size})) {
    ++counters_.hellos_sent;
    return;
  }
  ++counters_.send_errors;
  ++counters_.emit_errors;
  if (auto suppressed = s.warnings.admit(kSinkErrorKey, now)) {
    spdlog::warn("segment hello on {} failed: {} ({} similar suppressed)", s.interface.name,
                 s.sink.last_error(), *suppressed);
  }
}

void RelayCore::on_mesh_datagram(IpAddress from, std::span<const Byte> datagram, bool truncated) {
  State& s = *state_;
  const auto drop = [&](DropReason reason) {
    counters_.drop(reason);
    log_drop(s.warnings, s.clock.now(), reason, Side::kMesh, from);
  };
  // A segment hello is a broadcast to the mesh port, so the mesh socket of every host
  // on the segment hears it too (the capture already took it): neither mesh traffic
  // nor a sign of the peer's life, whether or not we hold an election ourselves.
  if (is_segment_hello_payload(datagram)) return drop(DropReason::kSegmentHello);
  ++counters_.mesh_received;
  // Never trust the mesh: only current peers may make us transmit on our segment.
  const std::vector<IpAddress>& peers = s.peers.peers();
  if (!std::binary_search(peers.begin(), peers.end(), from)) return drop(DropReason::kUnknownPeer);
  // v1 carries no authentication: any datagram from the peer's address is all the sign
  // of life there is. With a key, only authenticated datagrams count (see on_mesh_v2).
  if (s.settings.keyring == nullptr) s.health.heard_from(from, datagram.size(), s.clock.now());
  if (truncated) return drop(DropReason::kOversize);
  if (has_mesh_v2_magic(datagram)) {
    // A v1-only relay treats v2 as it always treated datagrams without "SS".
    if (s.settings.keyring == nullptr) return drop(DropReason::kBadMagic);
    return on_mesh_v2(from, datagram);
  }
  const auto frame = decode_mesh_v1(datagram);
  if (!frame) return drop(DropReason::kBadMagic);
  // With a key, v1 (unauthenticated: anyone can forge a peer's source address) is
  // refused unless a mixed mesh was asked for.
  if (s.settings.keyring != nullptr && !s.settings.accept_v1) {
    return drop(DropReason::kV1Refused);
  }
  if (s.settings.keyring != nullptr) s.health.heard_from(from, datagram.size(), s.clock.now());
  on_mesh_frame(from, *frame);
}

void RelayCore::on_mesh_v2(IpAddress from, std::span<const Byte> datagram) {
  State& s = *state_;
  const TimePoint now = s.clock.now();
  const auto drop = [&](DropReason reason) {
    counters_.drop(reason);
    log_drop(s.warnings, now, reason, Side::kMesh, from);
  };
  const MeshV2Decoded decoded = decode_mesh_v2(datagram, *s.settings.keyring);
  if (decoded.refusal) return drop(*decoded.refusal);
  const MeshV2Header& header = decoded.header;
  // Our own datagram came back: a loop (in self-relay mode, the point of the exercise).
  if (header.sender == s.settings.sender_id && !s.peers.self_relay()) {
    return drop(DropReason::kOwnSender);
  }
  // Last, so that only authenticated, well-formed datagrams move the window.
  if (!s.replay.accept(header.sender, header.boot, header.sequence, now)) {
    return drop(DropReason::kReplay);
  }
  s.note_v2(from, now);
  s.health.heard_from(from, datagram.size(), now);
  switch (header.type) {
    case MeshV2Type::kFrames: {
      MeshV2Frames frames(decoded.body);
      while (const auto frame = frames.next()) on_mesh_frame(from, *frame);
      return;
    }
    case MeshV2Type::kHeartbeat: {
      ++counters_.heartbeats_received;
      s.health.on_heartbeat(from, now);
      const std::size_t size =
          encode_mesh_v2_heartbeat(s.next_header(MeshV2Type::kHeartbeatReply), decoded.timestamp,
                                   s.settings.keyring->send_mac(), s.heartbeat_out);
      send_mesh(from, {s.heartbeat_out.data(), size}, now);
      return;
    }
    case MeshV2Type::kRole:
      s.note_role(from, /*standby=*/decoded.timestamp == 0, now);
      return;
    case MeshV2Type::kHeartbeatReply: {
      ++counters_.heartbeat_replies;
      s.health.on_heartbeat(from, now);
      // The timestamp is our own clock's, echoed; one later than now cannot be ours (and
      // subtracting it could overflow).
      const std::uint64_t sent = decoded.timestamp;
      const auto now_ns = static_cast<std::uint64_t>(now.time_since_epoch().count());
      if (sent <= now_ns) {
        s.health.on_rtt(from, Duration(static_cast<Duration::rep>(now_ns - sent)));
      }
      return;
    }
  }
}

void RelayCore::on_mesh_frame(IpAddress from, std::span<const Byte> frame) {
  State& s = *state_;
  const auto drop = [&](DropReason reason) {
    counters_.drop(reason);
    log_drop(s.warnings, s.clock.now(), reason, Side::kMesh, from);
  };
  const std::optional<EthernetView> ethernet = parse_ethernet(frame);
  if (!ethernet) return drop(DropReason::kMalformed);
  // One of our own frames coming back (for instance via a second relay on our segment
  // that captured our re-broadcast): re-sending it would start a loop.
  if (is_host_mac(s.interface, ethernet->source_mac)) return drop(DropReason::kOwnMac);

  const Classified classified = s.kinds.classify(*ethernet);
  // Peers reassemble before they send; a fragment on the mesh is half a datagram.
  if (classified.fragment) return drop(DropReason::kFragment);
  if (classified.drop) return drop(*classified.drop);
  const FrameView& view = classified.view;
  // Larger than our MTU: fragmented below, unless its sender forbade that (IPv4 DF) or
  // our link is below the family's minimum MTU.
  if (view.ip_total_length > s.interface.mtu &&
      (view.dont_fragment || s.interface.mtu < view.minimum_mtu())) {
    return drop(DropReason::kOversize);
  }

  // A datagram a process on this host sent (captured here, relayed, and sent back by
  // a relay elsewhere): it started on our segment, and this host's source says so
  // exactly, whatever the window. Re-broadcast, it would be captured as local again.
  if (s.settings.host_local && !s.peers.self_relay() &&
      is_host_address(s.interface, view.ip_source)) {
    return drop(DropReason::kOriginSegment);
  }

  const TimePoint now = s.clock.now();
  if (s.dedup.enabled()) {
    const std::uint64_t fingerprint = frame_fingerprint(view);
    // Rule (b): it started on our segment, whose hosts have it already. Not in
    // self-relay mode, where every frame we receive is one we captured (SnowSignal's
    // test mode re-broadcasts its own captures on purpose).
    if (!s.peers.self_relay() && s.dedup.captured_recently(fingerprint, now)) {
      return drop(DropReason::kOriginSegment);
    }
    // Rule (c): another relay on the origin segment sent us the same datagram.
    if (s.dedup.received_recently(fingerprint, now)) return drop(DropReason::kDuplicate);
    s.dedup.note_received(fingerprint, now);
  }
  // The segment's forwarder re-broadcasts it (a v1 peer, which hears no roles, sends
  // to every relay; a v2 one only to forwarders).
  if (s.election && !s.election->forwarder()) return drop(DropReason::kStandby);

  const Emission emission = s.kinds.emission(*classified.destination, view, s.interface.broadcast);
  const std::size_t size = rewrite_frame(view, emission, s.interface.mac, s.frame_out);
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("mesh {} -> re-emit {} bytes {}:{} -> {}:{}", from.to_string(), size,
                  view.ip_source.to_string(), view.udp_source_port,
                  emission.ip_destination.to_string(), view.udp_destination_port);
  }
  const bool fragment = view.ip_total_length > s.interface.mtu;
  const std::uint32_t identification = fragment && view.ipv6 ? ++s.ipv6_identification : 0;
  // The same frames (fragmented alike) to the wire and, with host-local, to this
  // host's own stack, which the wire copy never reaches.
  const auto emit = [&](FrameSink& sink) {
    if (!fragment) return sink.send({s.frame_out.data(), size});
    return send_fragmented({s.frame_out.data(), size}, view, s.interface.mtu, identification, sink,
                           s.fragment_out)
               .failed == 0;
  };
  const auto emit_failed = [&](FrameSink& sink, const char* where) {
    ++counters_.send_errors;
    ++counters_.emit_errors;
    if (auto suppressed = s.warnings.admit(kSinkErrorKey, now)) {
      spdlog::warn("re-broadcast {} {} failed: {} ({} similar suppressed)", where,
                   s.interface.name, sink.last_error(), *suppressed);
    }
  };
  if (emit(s.sink)) {
    ++counters_.rebroadcast;
    if (fragment) ++counters_.fragmented;
  } else {
    emit_failed(s.sink, "on");
  }
  if (s.settings.local_sink == nullptr) return;
  if (emit(*s.settings.local_sink)) {
    ++counters_.local_delivered;
  } else {
    emit_failed(*s.settings.local_sink, "to the listeners of this host on");
  }
}

std::size_t RelayCore::drain_mesh(std::size_t max_datagrams) {
  State& s = *state_;
  std::size_t count = 0;
  for (; count < max_datagrams; ++count) {
    const auto datagram = s.mesh.receive(s.mesh_in);
    if (!datagram) break;
    on_mesh_datagram(datagram->from, {s.mesh_in.data(), datagram->size}, datagram->truncated);
  }
  return count;
}

std::size_t RelayCore::drain_mesh_errors(std::size_t max_errors) {
  State& s = *state_;
  return s.mesh.drain_errors(
      [&s](const MeshError& error) {
        const auto reason = unreachable_reason(error);
        if (spdlog::should_log(spdlog::level::debug)) {
          spdlog::debug("mesh error about {} from {}: ICMP type {} code {}, errno {}",
                        error.peer.to_string(), error.reporter.to_string(), error.icmp_type,
                        error.icmp_code, error.error_number);
        }
        if (reason) s.health.icmp_error(error.peer, *reason, s.clock.now());
      },
      max_errors);
}

void RelayCore::tick() {
  State& s = *state_;
  const TimePoint now = s.clock.now();
  s.health.set_peers(s.peers.peers(), now);
  s.health.tick(now);
  if (!s.election) return;
  const Ipv4Address before = s.election->designated();
  const bool changed = s.election->decide(now);
  counters_.role = s.election->forwarder() ? SegmentRole::kForwarder : SegmentRole::kStandby;
  counters_.designated = s.election->designated();
  counters_.segment_mates = s.election->mates();
  if (!changed) return;
  const double seconds = std::chrono::duration<double>(s.election->heard_ago(now)).count();
  if (s.election->forwarder()) {
    spdlog::info("role: forwarder for {} ({} silent for {:.1f} s)", s.interface.name,
                 before.to_string(),
                 std::chrono::duration<double>(3 * s.settings.election_interval).count());
  } else {
    spdlog::info("role: standby on {} ({} forwards for this segment, heard {:.1f} s ago)",
                 s.interface.name, s.election->designated().to_string(), seconds);
  }
  // Peers learn it now, not at the next heartbeat: a new forwarder must get frames.
  announce_role(now);
}

const PeerHealth& RelayCore::peer_health() const {
  return state_->health;
}

PeerHealth& RelayCore::peer_health() {
  return state_->health;
}

}  // namespace snowsignal
