#include "snowsignal/peer_health.h"

#include <algorithm>
#include <cmath>

namespace snowsignal {

namespace {

long whole_seconds(Duration d) {
  return std::lround(std::chrono::duration<double>(d).count());
}

}  // namespace

PeerHealth::PeerHealth(PeerHealthSettings settings, PeerStateListener* listener)
    : settings_(settings), listener_(listener) {}

void PeerHealth::expect_heartbeats(Duration timeout) {
  heartbeat_timeout_ = timeout;
}

void PeerHealth::set_peers(std::span<const IpAddress> peers, TimePoint now) {
  const bool same = peers.size() == statuses_.size() &&
                    std::equal(peers.begin(), peers.end(), statuses_.begin(),
                               [](IpAddress a, const PeerStatus& s) { return a == s.peer; });
  if (same) return;
  std::vector<PeerStatus> statuses;
  std::vector<Evidence> evidence;
  statuses.reserve(peers.size());
  evidence.reserve(peers.size());
  for (const IpAddress peer : peers) {
    if (const auto i = index_of(peer)) {
      statuses.push_back(std::move(statuses_[*i]));
      evidence.push_back(evidence_[*i]);
      continue;
    }
    PeerStatus status;
    status.peer = peer;
    status.since = now;
    statuses.push_back(std::move(status));
    evidence.push_back(Evidence{now, std::nullopt, std::nullopt});
  }
  statuses_ = std::move(statuses);
  evidence_ = std::move(evidence);
}

std::optional<std::size_t> PeerHealth::index_of(IpAddress peer) const {
  const auto it = std::lower_bound(statuses_.begin(), statuses_.end(), peer,
                                   [](const PeerStatus& s, IpAddress a) { return s.peer < a; });
  if (it == statuses_.end() || it->peer != peer) return std::nullopt;
  return static_cast<std::size_t>(it - statuses_.begin());
}

const PeerStatus* PeerHealth::find(IpAddress peer) const {
  const auto i = index_of(peer);
  return i ? &statuses_[*i] : nullptr;
}

void PeerHealth::change(std::size_t index, PeerState state, std::string_view reason,
                        TimePoint since) {
  PeerStatus& status = statuses_[index];
  if (status.state == state) return;
  const PeerState previous = status.state;
  const TimePoint previous_since = status.since;
  status.state = state;
  status.since = since;
  status.reason = reason;
  if (state != PeerState::kUnreachable) {
    evidence_[index].last_error.reset();
    evidence_[index].probe_sent.reset();
  }
  if (listener_ != nullptr) listener_->on_state_change(status, previous, previous_since);
}

void PeerHealth::mark_unreachable(std::size_t index, std::string_view reason, TimePoint now) {
  Evidence& evidence = evidence_[index];
  evidence.last_error = now;
  // A new error restarts the wait for a datagram that could draw the next one.
  evidence.probe_sent.reset();
  change(index, PeerState::kUnreachable, reason, now);
}

void PeerHealth::sent_to(IpAddress peer, std::size_t bytes, TimePoint now) {
  const auto i = index_of(peer);
  if (!i) return;
  PeerStatus& status = statuses_[*i];
  ++status.datagrams_sent;
  status.bytes_sent += bytes;
  Evidence& evidence = evidence_[*i];
  if (status.state == PeerState::kUnreachable && !evidence.probe_sent && evidence.last_error &&
      now - *evidence.last_error >= settings_.icmp_rate_gap) {
    evidence.probe_sent = now;
  }
}

void PeerHealth::send_failed(IpAddress peer, std::optional<std::string_view> unreachable_reason,
                             TimePoint now) {
  const auto i = index_of(peer);
  if (!i) return;
  ++statuses_[*i].send_errors;
  if (unreachable_reason) mark_unreachable(*i, *unreachable_reason, now);
}

void PeerHealth::heard_from(IpAddress peer, std::size_t bytes, TimePoint now) {
  const auto i = index_of(peer);
  if (!i) return;
  PeerStatus& status = statuses_[*i];
  ++status.datagrams_received;
  status.bytes_received += bytes;
  status.last_heard = now;
  change(*i, PeerState::kUp, "", now);
}

void PeerHealth::icmp_error(IpAddress peer, std::string_view reason, TimePoint now) {
  const auto i = index_of(peer);
  if (!i) return;
  ++statuses_[*i].icmp_errors;
  mark_unreachable(*i, reason, now);
}

void PeerHealth::on_heartbeat(IpAddress peer, TimePoint now) {
  const auto i = index_of(peer);
  if (!i) return;
  statuses_[*i].last_heard = now;
  change(*i, PeerState::kUp, "", now);
}

void PeerHealth::on_rtt(IpAddress peer, Duration rtt) {
  if (const auto i = index_of(peer)) statuses_[*i].rtt = rtt;
}

void PeerHealth::tick(TimePoint now) {
  for (std::size_t i = 0; i < statuses_.size(); ++i) {
    const PeerStatus& status = statuses_[i];
    const Evidence& evidence = evidence_[i];
    switch (status.state) {
      case PeerState::kUnreachable:
        // The probe went out when the peer's kernel would have answered it, and no
        // answer came: the port (or route) is open again. Dated at the probe, the first
        // moment it is known to have been back. What is behind it is unknown until the
        // peer is heard.
        if (evidence.probe_sent && now - *evidence.probe_sent >= settings_.icmp_wait) {
          change(i, PeerState::kUnknown, "", *evidence.probe_sent);
        }
        break;
      case PeerState::kUp:
      case PeerState::kUnknown: {
        const TimePoint reference = status.last_heard.value_or(evidence.tracked_since);
        if (heartbeat_timeout_) {
          if (now - reference >= *heartbeat_timeout_) {
            change(i, PeerState::kSilent,
                   "no heartbeat for " + std::to_string(whole_seconds(now - reference)) + " s",
                   now);
          }
        } else if (status.state == PeerState::kUp && now - reference >= settings_.idle_after) {
          change(i, PeerState::kUnknown, "", now);
        }
        break;
      }
      case PeerState::kSilent:
        break;
    }
  }
}

bool peer_change_is_warning(PeerState state) {
  return state == PeerState::kUnreachable || state == PeerState::kSilent;
}

std::string peer_change_message(const PeerStatus& status, PeerState previous,
                                TimePoint previous_since, std::string_view wall_since) {
  const std::string who = "peer " + status.peer.to_string();
  const bool was_down = peer_change_is_warning(previous);
  const std::string away = std::to_string(whole_seconds(status.since - previous_since)) + " s";
  switch (status.state) {
    case PeerState::kUnreachable:
    case PeerState::kSilent:
      return who + " " + std::string(peer_state_name(status.state)) + " (" + status.reason +
             ") since " + std::string(wall_since);
    case PeerState::kUp:
      return was_down ? who + " back after " + away : who + " up";
    case PeerState::kUnknown:
      if (was_down) {
        return who + " back after " + away +
               " as far as ICMP tells (a datagram drew no error); state unknown until it is "
               "heard";
      }
      return who + " unknown: nothing heard for " +
             std::to_string(
                 whole_seconds(status.since - status.last_heard.value_or(previous_since))) +
             " s (mesh v1 has no heartbeat: an idle peer and a lost one look the same)";
  }
  return who;
}

}  // namespace snowsignal
