#include "stats_json.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace snowsignal {

namespace {

double seconds_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

nlohmann::json peer_json(const PeerStatus& p, TimePoint now) {
  return {
      {"state", peer_state_name(p.state)},
      {"reason", p.reason},
      {"seconds_in_state", seconds_between(p.since, now)},
      {"last_heard_seconds_ago",
       p.last_heard ? nlohmann::json(seconds_between(*p.last_heard, now)) : nlohmann::json()},
      {"datagrams_sent", p.datagrams_sent},
      {"bytes_sent", p.bytes_sent},
      {"datagrams_received", p.datagrams_received},
      {"bytes_received", p.bytes_received},
      {"send_errors", p.send_errors},
      {"icmp_errors", p.icmp_errors},
      {"rtt_ms", p.rtt ? nlohmann::json(std::chrono::duration<double, std::milli>(*p.rtt).count())
                       : nlohmann::json()},
  };
}

std::string whole_seconds(double seconds) {
  return std::to_string(std::lround(seconds)) + " s";
}

}  // namespace

std::string stats_json(const Counters& counters, const std::vector<IpAddress>& peers,
                       const std::vector<PeerStatus>& health, TimePoint now) {
  nlohmann::json dropped = nlohmann::json::object();
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    dropped[std::string(drop_reason_name(static_cast<DropReason>(i)))] = counters.dropped[i];
  }
  nlohmann::json peer_list = nlohmann::json::array();
  for (const IpAddress& peer : peers) peer_list.push_back(peer.to_string());
  nlohmann::json json = {
      {"captured", counters.captured},
      {"forwarded", counters.forwarded},
      {"mesh_received", counters.mesh_received},
      {"rebroadcast", counters.rebroadcast},
      {"send_errors", counters.send_errors},
      {"mesh_send_errors", counters.mesh_send_errors},
      {"emit_errors", counters.emit_errors},
      {"capture_kernel_drops", counters.capture_kernel_drops},
      {"mesh_receive_overflows", counters.mesh_receive_overflows},
      {"heartbeats_sent", counters.heartbeats_sent},
      {"heartbeats_received", counters.heartbeats_received},
      {"heartbeat_replies", counters.heartbeat_replies},
      {"reassembled", counters.reassembled},
      {"fragmented", counters.fragmented},
      {"local_captured", counters.local_captured},
      {"local_delivered", counters.local_delivered},
      {"hellos_sent", counters.hellos_sent},
      {"hellos_received", counters.hellos_received},
      {"role", std::string(segment_role_name(counters.role))},
      {"forwarder", counters.role == SegmentRole::kOff ? std::string()
                                                       : counters.designated.to_string()},
      {"segment_mates", counters.segment_mates},
      {"dropped", dropped},
      {"peers", peer_list},
  };
  if (!health.empty()) {
    nlohmann::json detail = nlohmann::json::object();
    for (const PeerStatus& p : health) detail[p.peer.to_string()] = peer_json(p, now);
    json["peer_health"] = detail;
  }
  return json.dump();
}

std::string peers_line(const std::vector<PeerStatus>& health, TimePoint now) {
  if (health.empty()) return "none";
  std::string line;
  for (const PeerStatus& p : health) {
    if (!line.empty()) line += ", ";
    line += p.peer.to_string() + " " + std::string(peer_state_name(p.state));
    if (p.state == PeerState::kUp) {
      if (p.last_heard)
        line += " (heard " + whole_seconds(seconds_between(*p.last_heard, now)) + " ago)";
      continue;
    }
    line += " for " + whole_seconds(seconds_between(p.since, now));
    if (!p.reason.empty()) line += " (" + p.reason + ")";
  }
  return line;
}

std::string stats_line(const Counters& counters) {
  std::string line = "captured=" + std::to_string(counters.captured) +
                     " forwarded=" + std::to_string(counters.forwarded) +
                     " mesh_received=" + std::to_string(counters.mesh_received) +
                     " rebroadcast=" + std::to_string(counters.rebroadcast) +
                     " send_errors=" + std::to_string(counters.send_errors) +
                     " mesh_send_errors=" + std::to_string(counters.mesh_send_errors) +
                     " emit_errors=" + std::to_string(counters.emit_errors) +
                     " capture_kernel_drops=" + std::to_string(counters.capture_kernel_drops) +
                     " mesh_receive_overflows=" + std::to_string(counters.mesh_receive_overflows) +
                     " heartbeats_sent=" + std::to_string(counters.heartbeats_sent) +
                     " heartbeats_received=" + std::to_string(counters.heartbeats_received) +
                     " heartbeat_replies=" + std::to_string(counters.heartbeat_replies) +
                     " reassembled=" + std::to_string(counters.reassembled) +
                     " fragmented=" + std::to_string(counters.fragmented) +
                     " local_captured=" + std::to_string(counters.local_captured) +
                     " local_delivered=" + std::to_string(counters.local_delivered) +
                     " role=" + std::string(segment_role_name(counters.role)) + " dropped:";
  bool any = false;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    if (counters.dropped[i] == 0) continue;
    line += " " + std::string(drop_reason_name(static_cast<DropReason>(i))) + "=" +
            std::to_string(counters.dropped[i]);
    any = true;
  }
  if (!any) line += " none";
  return line;
}

std::string write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) return temporary + ": " + std::strerror(errno);
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size() &&
                       std::fputc('\n', file) != EOF;
  const int saved_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    std::remove(temporary.c_str());
    return temporary + ": " + std::strerror(written ? errno : saved_errno);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = path + ": " + std::strerror(errno);
    std::remove(temporary.c_str());
    return error;
  }
  return "";
}

}  // namespace snowsignal
