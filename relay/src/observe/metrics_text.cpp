#include "metrics_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <tuple>

namespace snowsignal {

namespace {

std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) return "NaN";
  return std::string(buffer.data(), end);
}

// Per peer: its state as one series per possible state (1 for the current one, the usual
// Prometheus form of an enum, so `snowsignal_peer_state{state="unreachable"} == 1` alerts),
// and its traffic counters.
void render_peer_health(PrometheusWriter& w, const std::vector<PeerStatus>& peers) {
  using Type = PrometheusWriter::Type;
  w.family("snowsignal_peer_state", Type::kGauge,
           "1 for the state the relay believes each peer is in (up, unreachable, silent, "
           "unknown), 0 for the others.");
  for (const PeerStatus& p : peers) {
    for (PeerState state :
         {PeerState::kUp, PeerState::kUnreachable, PeerState::kSilent, PeerState::kUnknown}) {
      w.sample({{"peer", p.peer.to_string()}, {"state", std::string(peer_state_name(state))}},
               std::uint64_t{p.state == state ? 1U : 0U});
    }
  }
  const std::array<std::pair<const char*, const char*>, 6> families = {{
      {"snowsignal_peer_datagrams_sent_total", "Mesh datagrams sent to each peer."},
      {"snowsignal_peer_bytes_sent_total", "Mesh bytes sent to each peer."},
      {"snowsignal_peer_datagrams_received_total", "Mesh datagrams received from each peer."},
      {"snowsignal_peer_bytes_received_total", "Mesh bytes received from each peer."},
      {"snowsignal_peer_send_errors_total", "Failed sends to each peer."},
      {"snowsignal_peer_icmp_errors_total", "ICMP errors that came back for each peer."},
  }};
  for (std::size_t f = 0; f < families.size(); ++f) {
    w.family(families[f].first, Type::kCounter, families[f].second);
    for (const PeerStatus& p : peers) {
      const std::array<std::uint64_t, 6> values = {p.datagrams_sent,     p.bytes_sent,
                                                   p.datagrams_received, p.bytes_received,
                                                   p.send_errors,        p.icmp_errors};
      w.sample({{"peer", p.peer.to_string()}}, values[f]);
    }
  }
  w.family("snowsignal_peer_rtt_seconds", Type::kGauge,
           "Round trip to each peer, measured by mesh v2 heartbeats (absent otherwise).");
  for (const PeerStatus& p : peers) {
    if (p.rtt) {
      w.sample({{"peer", p.peer.to_string()}}, std::chrono::duration<double>(*p.rtt).count());
    }
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void PrometheusWriter::family(std::string_view name, Type type, std::string_view help) {
  name_ = name;
  // HELP text escapes only backslash and newline; ours has neither, but stay correct.
  std::string escaped_help;
  for (char c : help) {
    if (c == '\\') {
      escaped_help += "\\\\";
    } else if (c == '\n') {
      escaped_help += "\\n";
    } else {
      escaped_help += c;
    }
  }
  text_ += "# HELP " + name_ + " " + escaped_help + "\n";
  text_ += "# TYPE " + name_ + (type == Type::kCounter ? " counter\n" : " gauge\n");
}

void PrometheusWriter::sample_prefix(const MetricLabels& labels) {
  text_ += name_;
  if (labels.empty()) return;
  text_ += '{';
  bool first = true;
  for (const auto& [label, value] : labels) {
    if (!first) text_ += ',';
    first = false;
    text_ += label;
    text_ += "=\"" + escape_label_value(value) + '"';
  }
  text_ += '}';
}

void PrometheusWriter::sample(const MetricLabels& labels, double value) {
  sample_prefix(labels);
  text_ += ' ' + format_double(value) + '\n';
}

void PrometheusWriter::sample(const MetricLabels& labels, std::uint64_t value) {
  sample_prefix(labels);
  text_ += ' ' + std::to_string(value) + '\n';
}

std::string prometheus_text(const MetricsSnapshot& s) {
  using Type = PrometheusWriter::Type;
  PrometheusWriter w;
  const Counters& c = s.counters;

  w.family("snowsignal_build_info", Type::kGauge,
           "Always 1; the version of the running relay is in the label.");
  w.sample({{"version", s.version}}, std::uint64_t{1});

  // The stats JSON keys, each as snowsignal_<key>_total (relay/README.md "Counters").
  const std::array<std::tuple<const char*, const char*, std::uint64_t>, 18> totals = {{
      {"snowsignal_captured_total", "Frames handed to the relay by the capture.", c.captured},
      {"snowsignal_forwarded_total",
       "Mesh datagrams of frames sent (v1: one per peer per frame; v2: one per batch).",
       c.forwarded},
      {"snowsignal_mesh_received_total", "Datagrams read from the mesh socket.", c.mesh_received},
      {"snowsignal_rebroadcast_total", "Frames re-broadcast on the target interface.",
       c.rebroadcast},
      {"snowsignal_send_errors_total", "Failed mesh sends and failed L2 sends (the sum).",
       c.send_errors},
      {"snowsignal_mesh_send_errors_total", "Mesh datagrams the kernel refused to send.",
       c.mesh_send_errors},
      {"snowsignal_emit_errors_total", "Re-broadcasts the kernel refused to send.", c.emit_errors},
      {"snowsignal_capture_kernel_drops_total",
       "Frames the kernel dropped from the capture ring before the relay read them.",
       c.capture_kernel_drops},
      {"snowsignal_mesh_receive_overflows_total",
       "Datagrams the kernel dropped because the mesh socket's receive buffer was full.",
       c.mesh_receive_overflows},
      {"snowsignal_heartbeats_sent_total", "Mesh v2 heartbeats sent (one per peer per interval).",
       c.heartbeats_sent},
      {"snowsignal_heartbeats_received_total", "Authenticated mesh v2 heartbeats from peers.",
       c.heartbeats_received},
      {"snowsignal_heartbeat_replies_total", "Authenticated replies to our mesh v2 heartbeats.",
       c.heartbeat_replies},
      {"snowsignal_reassembled_total", "Datagrams rebuilt from captured IPv4 fragments.",
       c.reassembled},
      {"snowsignal_fragmented_total",
       "Datagrams larger than the interface MTU emitted as IPv4 fragments.", c.fragmented},
      {"snowsignal_local_captured_total",
       "Captured datagrams sent by a process on the relay's own host (host-local), relayed.",
       c.local_captured},
      {"snowsignal_local_delivered_total",
       "Re-broadcasts also handed to the relay host's own listeners (host-local).",
       c.local_delivered},
      {"snowsignal_hellos_sent_total", "Segment hellos sent (designated-forwarder election).",
       c.hellos_sent},
      {"snowsignal_hellos_received_total",
       "Segment hellos heard from the other relays on this segment.", c.hellos_received},
  }};
  for (const auto& [name, help, value] : totals) {
    w.family(name, Type::kCounter, help);
    w.sample(value);
  }

  w.family("snowsignal_dropped_total", Type::kCounter,
           "Frames and datagrams dropped, by reason (relay/README.md lists the reasons).");
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    w.sample({{"reason", std::string(drop_reason_name(static_cast<DropReason>(i)))}}, c.dropped[i]);
  }

  w.family("snowsignal_peers", Type::kGauge,
           "Number of peers the relay sends to (0 in self-relay mode).");
  w.sample(s.self_relay ? std::uint64_t{0} : static_cast<std::uint64_t>(s.peers.size()));
  w.family("snowsignal_peer", Type::kGauge, "1 for every peer the relay currently sends to.");
  if (!s.self_relay) {
    for (const IpAddress& peer : s.peers) w.sample({{"peer", peer.to_string()}}, std::uint64_t{1});
  }
  render_peer_health(w, s.peer_health);
  w.family("snowsignal_self_relay", Type::kGauge,
           "1 when no other relay is known and the relay sends to itself (test mode).");
  w.sample(std::uint64_t{s.self_relay ? 1U : 0U});

  w.family("snowsignal_designated_forwarder", Type::kGauge,
           "1 when this relay forwards for its segment (the election's forwarder, or no "
           "election), 0 while it stands by.");
  w.sample({{"role", std::string(segment_role_name(c.role))}},
           std::uint64_t{c.role == SegmentRole::kStandby ? 0U : 1U});
  w.family("snowsignal_segment_relays", Type::kGauge,
           "Other relays heard on this relay's segment (their segment hellos).");
  w.sample(c.segment_mates);

  w.family("snowsignal_capture_up", Type::kGauge,
           "1 when the capture is open and its interface is up and running.");
  w.sample({{"interface", s.interface}}, std::uint64_t{s.capture_open && s.interface_up ? 1U : 0U});
  return w.text();
}

}  // namespace snowsignal
