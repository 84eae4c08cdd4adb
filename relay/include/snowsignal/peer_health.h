// Per-peer liveness: what the relay knows about each other relay, from the evidence it
// has (traffic heard, ICMP errors, send failures, and with mesh v2 heartbeats and RTT).
// Pure: no sockets, no clock of its own; time comes in with every call, so every
// transition is testable with a fake clock. The statuses are plain values, so a stats
// writer or a metrics snapshot can copy them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "snowsignal/clock.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

enum class PeerState {
  kUnknown,      // no evidence either way (never heard, or v1 and quiet for a while)
  kUp,           // heard from recently (v2: its heartbeats arrive)
  kUnreachable,  // ICMP errors (port/host/net unreachable) or failed sends say it is not there
  kSilent,       // v2 only: heartbeats expected and none arrived in time, and no ICMP error
};

// "unknown", "up", "unreachable", "silent". Inline, so the parts that report states
// (observe) need not link the part that tracks them (health).
inline std::string_view peer_state_name(PeerState state) {
  switch (state) {
    case PeerState::kUnknown:
      return "unknown";
    case PeerState::kUp:
      return "up";
    case PeerState::kUnreachable:
      return "unreachable";
    case PeerState::kSilent:
      return "silent";
  }
  return "unknown";
}

struct PeerStatus {
  IpAddress peer;
  PeerState state = PeerState::kUnknown;
  TimePoint since{};                    // when it entered `state` (tracking start for the first)
  std::optional<TimePoint> last_heard;  // last datagram or heartbeat from it
  std::string reason;  // unreachable/silent: why ("ICMP port unreachable"); empty otherwise
  std::uint64_t datagrams_sent = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t icmp_errors = 0;
  std::optional<Duration> rtt;  // v2 heartbeats only
};

struct PeerHealthSettings {
  // v1 has no heartbeat: a peer that was up and has not been heard for this long goes
  // back to unknown (PVA servers beacon every 15 s, so a segment with any server keeps
  // its relay heard).
  Duration idle_after = std::chrono::seconds(60);
  // Linux sends at most one ICMP error per second to one host (icmp_ratelimit, after a
  // burst of 6), so only a datagram sent this long after the last error proves anything
  // by drawing none.
  Duration icmp_rate_gap = std::chrono::seconds(1);
  // How long such a probe waits for its ICMP error (a LAN answers in a millisecond).
  Duration icmp_wait = std::chrono::milliseconds(500);
};

// The hook mesh v2 calls when a heartbeat authenticates and when it measures a round
// trip. With no heartbeats in use (v1) nobody calls it and `silent` never happens.
class PeerLivenessObserver {
 public:
  virtual ~PeerLivenessObserver() = default;
  virtual void on_heartbeat(IpAddress peer, TimePoint now) = 0;
  virtual void on_rtt(IpAddress peer, Duration rtt) = 0;
};

// Told about every change of state, once per change (the relay logs it).
class PeerStateListener {
 public:
  virtual ~PeerStateListener() = default;
  virtual void on_state_change(const PeerStatus& status, PeerState previous,
                               TimePoint previous_since) = 0;
};

class PeerHealth final : public PeerLivenessObserver {
 public:
  explicit PeerHealth(PeerHealthSettings settings = {}, PeerStateListener* listener = nullptr);

  // Mesh v2: heartbeats arrive at least every `period`; a peer not heard for `timeout`
  // is silent. Without this call (v1) a quiet peer is unknown, never silent.
  void expect_heartbeats(Duration timeout);
  bool heartbeats_expected() const { return heartbeat_timeout_.has_value(); }

  // The current peer set (sorted, unique). New peers start unknown; peers no longer in
  // the set are forgotten. Allocates only when the set changes.
  void set_peers(std::span<const IpAddress> peers, TimePoint now);

  // Events. Calls about an address that is not a current peer are ignored. None of
  // them allocates unless the state changes.
  void sent_to(IpAddress peer, std::size_t bytes, TimePoint now);
  // A send that failed. `unreachable_reason` is set when the failure itself says the
  // peer cannot be reached (no route, neighbour unreachable): then it is unreachable.
  void send_failed(IpAddress peer, std::optional<std::string_view> unreachable_reason,
                   TimePoint now);
  // A datagram from the peer's address. (Mesh v2 should call it only for authenticated
  // datagrams: an unauthenticated one proves nothing about the peer.)
  void heard_from(IpAddress peer, std::size_t bytes, TimePoint now);
  // An ICMP error about a datagram we sent to the peer ("ICMP port unreachable").
  void icmp_error(IpAddress peer, std::string_view reason, TimePoint now);
  void on_heartbeat(IpAddress peer, TimePoint now) override;
  void on_rtt(IpAddress peer, Duration rtt) override;

  // Time-based transitions: up -> unknown (v1 idle), up/unknown -> silent (v2),
  // unreachable -> unknown (a probe drew no ICMP error). Call about once a second.
  void tick(TimePoint now);

  const std::vector<PeerStatus>& peers() const { return statuses_; }
  const PeerStatus* find(IpAddress peer) const;

 private:
  // What the state machine needs beyond the public status.
  struct Evidence {
    TimePoint tracked_since{};
    std::optional<TimePoint> last_error;
    std::optional<TimePoint> probe_sent;  // first send >= icmp_rate_gap after last_error
  };
  std::optional<std::size_t> index_of(IpAddress peer) const;
  void change(std::size_t index, PeerState state, std::string_view reason, TimePoint since);
  void mark_unreachable(std::size_t index, std::string_view reason, TimePoint now);

  PeerHealthSettings settings_;
  PeerStateListener* listener_;
  std::optional<Duration> heartbeat_timeout_;
  std::vector<PeerStatus> statuses_;  // sorted by address
  std::vector<Evidence> evidence_;    // parallel to statuses_
};

// The one log line for a change of state, e.g. "peer 198.18.3.2 unreachable (ICMP port
// unreachable) since 12:03:04" or "peer 198.18.3.2 back after 41 s". `wall_since` is the
// local wall-clock time of status.since as HH:MM:SS.
std::string peer_change_message(const PeerStatus& status, PeerState previous,
                                TimePoint previous_since, std::string_view wall_since);
// Changes that mean trouble are warnings, the rest info.
bool peer_change_is_warning(PeerState state);

}  // namespace snowsignal
