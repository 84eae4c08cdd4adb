#include "snowsignal/relay_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "dedup_cache.h"
#include "frame_rewrite.h"
#include "frame_view.h"
#include "mesh_codec.h"
#include "mesh_error.h"
#include "peer_state_log.h"
#include "rate_limiter.h"

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
      return true;
    // On the capture side the kernel filter already selected broadcast UDP to our port;
    // these can only come from a filter/classifier disagreement, not from a sender.
    case DropReason::kNotBroadcast:
    case DropReason::kNotIpv4:
    case DropReason::kNotUdp:
    case DropReason::kWrongPort:
      return side == Side::kCapture;
    default:
      return false;
  }
}

const char* side_name(Side side) {
  return side == Side::kCapture ? "captured frame" : "mesh datagram";
}

bool is_host_mac(const InterfaceInfo& interface, const MacAddress& mac) {
  return mac == interface.mac || std::find(interface.host_macs.begin(), interface.host_macs.end(),
                                           mac) != interface.host_macs.end();
}

}  // namespace

struct RelayCore::State {
  RelaySettings settings;
  const InterfaceInfo& interface;
  SegmentAddresses segment;
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

  State(const RelaySettings& s, const InterfaceInfo& i, MeshSocket& m, FrameSink& f,
        const PeerDirectory& p, const Clock& c)
      : settings(s),
        interface(i),
        segment{i.mac, i.broadcast},
        mesh(m),
        sink(f),
        peers(p),
        clock(c),
        dedup(s.dedup_window),
        peer_log(c),
        health(PeerHealthSettings{}, &peer_log) {
    health.set_peers(p.peers(), c.now());
  }
};

RelayCore::RelayCore(const RelaySettings& settings, const InterfaceInfo& interface,
                     MeshSocket& mesh, FrameSink& sink, const PeerDirectory& peers,
                     const Clock& clock)
    : state_(std::make_unique<State>(settings, interface, mesh, sink, peers, clock)) {}

RelayCore::~RelayCore() = default;

namespace {

void log_drop(RateLimiter<kWarnKeys>& warnings, TimePoint now, DropReason reason, Side side,
              Ipv4Address from) {
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

void RelayCore::on_captured(std::span<const Byte> frame, bool truncated) {
  State& s = *state_;
  ++counters_.captured;
  const auto drop = [&](DropReason reason, Ipv4Address from = {}) {
    counters_.drop(reason);
    log_drop(s.warnings, s.clock.now(), reason, Side::kCapture, from);
  };
  // A capture shorter than the wire frame cannot be relayed intact (SnowSignal cut
  // every frame at 1024 bytes; we would rather drop than send a broken datagram).
  if (truncated) return drop(DropReason::kOversize);
  if (frame.size() < kEthernetHeaderSize) return drop(DropReason::kMalformed);
  if (is_host_mac(s.interface, source_mac_of(frame))) return drop(DropReason::kOwnMac);

  const ParsedFrame parsed = parse_broadcast_frame(frame, s.settings.broadcast_port);
  if (parsed.drop) return drop(*parsed.drop);
  const FrameView& view = parsed.view;

  const TimePoint now = s.clock.now();
  if (s.dedup.enabled()) {
    const std::uint64_t fingerprint = frame_fingerprint(view);
    // Rule (a): we re-broadcast this datagram for a peer moments ago; relaying our own
    // re-broadcast back would bounce it between segments.
    if (s.dedup.received_recently(fingerprint, now)) return drop(DropReason::kEcho, view.ip_source);
    s.dedup.note_captured(fingerprint, now);
  }

  // The whole captured frame travels, Ethernet padding included, as SnowSignal sends it.
  const std::size_t size = encode_mesh_v1(frame, s.mesh_out);
  if (size == 0) return drop(DropReason::kOversize, view.ip_source);
  const std::span<const Byte> datagram(s.mesh_out.data(), size);

  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("captured {} bytes {}:{} -> {}:{}, forwarding to {} peer(s)", frame.size(),
                  view.ip_source.to_string(), view.udp_source_port, view.ip_destination.to_string(),
                  view.udp_destination_port, s.peers.peers().size());
  }
  // One batched send per kMaxPeersPerSend peers (sendmmsg in the adapter).
  const std::vector<Ipv4Address>& peers = s.peers.peers();
  for (std::size_t first = 0; first < peers.size(); first += kMaxPeersPerSend) {
    const std::size_t count = std::min(kMaxPeersPerSend, peers.size() - first);
    s.mesh.send_to_each({peers.data() + first, count}, s.settings.mesh_port, datagram,
                        {s.send_status.data(), count});
    for (std::size_t i = 0; i < count; ++i)
      note_mesh_send(peers[first + i], size, s.send_status[i], now);
  }
}

void RelayCore::note_mesh_send(Ipv4Address peer, std::size_t size, SendStatus status,
                               TimePoint now) {
  State& s = *state_;
  if (status == SendStatus::kOk) {
    ++counters_.forwarded;
    s.health.sent_to(peer, size, now);
    return;
  }
  ++counters_.send_errors;
  ++counters_.mesh_send_errors;
  const char* error = s.mesh.last_error();
  const bool unreachable = status == SendStatus::kUnreachable;
  // An unreachable peer is logged once, as a change of its state, not once per send.
  s.health.send_failed(peer, unreachable ? std::optional<std::string_view>(error) : std::nullopt,
                       now);
  if (unreachable) return;
  if (auto suppressed = s.warnings.admit(kMeshSendErrorKey, now)) {
    spdlog::warn(
        "mesh send to {}:{} failed: {} ({} similar suppressed); will retry with the next "
        "frame",
        peer.to_string(), s.settings.mesh_port, error, *suppressed);
  }
}

void RelayCore::on_mesh_datagram(Ipv4Address from, std::span<const Byte> datagram, bool truncated) {
  State& s = *state_;
  ++counters_.mesh_received;
  const auto drop = [&](DropReason reason) {
    counters_.drop(reason);
    log_drop(s.warnings, s.clock.now(), reason, Side::kMesh, from);
  };
  // Never trust the mesh: only current peers may make us transmit on our segment.
  const std::vector<Ipv4Address>& peers = s.peers.peers();
  if (!std::binary_search(peers.begin(), peers.end(), from)) return drop(DropReason::kUnknownPeer);
  // v1 carries no authentication: any datagram from the peer's address is all the sign
  // of life there is. (Mesh v2 should count only authenticated datagrams as heard.)
  s.health.heard_from(from, datagram.size(), s.clock.now());
  if (truncated) return drop(DropReason::kOversize);
  const auto frame = decode_mesh_v1(datagram);
  if (!frame) return drop(DropReason::kBadMagic);
  if (frame->size() < kEthernetHeaderSize) return drop(DropReason::kMalformed);
  // One of our own frames coming back (for instance via a second relay on our segment
  // that captured our re-broadcast): re-sending it would start a loop.
  if (is_host_mac(s.interface, source_mac_of(*frame))) return drop(DropReason::kOwnMac);

  const ParsedFrame parsed = parse_broadcast_frame(*frame, s.settings.broadcast_port);
  if (parsed.drop) return drop(*parsed.drop);
  const FrameView& view = parsed.view;
  if (view.ip_total_length > s.interface.mtu) return drop(DropReason::kOversize);

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

  const std::size_t size = rewrite_for_segment(view, s.segment, s.frame_out);
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("mesh {} -> re-broadcast {} bytes {}:{} -> {}:{}", from.to_string(), size,
                  view.ip_source.to_string(), view.udp_source_port, view.ip_destination.to_string(),
                  view.udp_destination_port);
  }
  if (s.sink.send({s.frame_out.data(), size})) {
    ++counters_.rebroadcast;
    return;
  }
  ++counters_.send_errors;
  ++counters_.emit_errors;
  if (auto suppressed = s.warnings.admit(kSinkErrorKey, now)) {
    spdlog::warn("re-broadcast on {} failed: {} ({} similar suppressed)", s.interface.name,
                 s.sink.last_error(), *suppressed);
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
}

const PeerHealth& RelayCore::peer_health() const {
  return state_->health;
}

PeerHealth& RelayCore::peer_health() {
  return state_->health;
}

}  // namespace snowsignal
