#include "status_report.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "stats_json.h"

namespace snowsignal {

namespace {

using nlohmann::json;

std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  char text[48];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%ld s", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%ldm %02lds", s / 60, s % 60);
  } else if (s < 86400) {
    std::snprintf(text, sizeof text, "%ldh %02ldm", s / 3600, s / 60 % 60);
  } else {
    std::snprintf(text, sizeof text, "%ldd %02ldh", s / 86400, s / 3600 % 24);
  }
  return text;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text + " ";
}

std::string number(const json& value) {
  return value.is_number_unsigned() ? std::to_string(value.get<std::uint64_t>()) : "-";
}

std::string last_heard(const json& peer) {
  const json& ago = peer.at("last_heard_seconds_ago");
  return ago.is_number() ? duration_text(ago.get<double>()) + " ago" : "never";
}

std::string rtt(const json& peer) {
  const json& ms = peer.at("rtt_ms");
  if (!ms.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f ms", ms.get<double>());
  return text;
}

std::string peers_table(const json& doc) {
  // stats_json leaves peer_health out when there is none to tell.
  if (!doc.contains("peer_health") || doc.at("peer_health").empty())
    return "peers: none (self-relay mode: nothing leaves this segment)\n";
  const json& health = doc.at("peer_health");
  std::string out = padded("peer", 40) + padded("state", 12) + padded("for", 9) +
                    padded("last heard", 12) + padded("rtt", 10) + padded("sent", 9) +
                    padded("received", 9) + "reason\n";
  for (const auto& [address, peer] : health.items()) {
    out += padded(address, 40) + padded(peer.at("state").get<std::string>(), 12) +
           padded(duration_text(peer.at("seconds_in_state").get<double>()), 9) +
           padded(last_heard(peer), 12) + padded(rtt(peer), 10) +
           padded(number(peer.at("datagrams_sent")), 9) +
           padded(number(peer.at("datagrams_received")), 9) + peer.at("reason").get<std::string>() +
           "\n";
  }
  return out;
}

// "segment: standby (198.18.1.2 forwards, 2 other relays heard)"; nothing when there is
// no election (a relay older than it, or SnowSignal's behaviour asked for).
std::string role_line(const json& doc) {
  const std::string role = doc.value("role", std::string("off"));
  if (role == "off") return "";
  const auto mates = doc.value("segment_mates", std::uint64_t{0});
  const std::string heard = std::to_string(mates) + " other relay" + (mates == 1 ? "" : "s") +
                            " heard on the segment";
  if (role == "forwarder") return "segment: forwarder (" + heard + ")\n";
  return "segment: standby (" + doc.value("forwarder", std::string("?")) + " forwards, " + heard +
         ")\n";
}

std::string counters_lines(const json& doc) {
  std::string out = role_line(doc) + "relayed: captured " + number(doc.at("captured")) + ", forwarded " +
                    number(doc.at("forwarded")) + ", mesh received " +
                    number(doc.at("mesh_received")) + ", re-broadcast " +
                    number(doc.at("rebroadcast")) + "\n";
  // Losses and errors only when there are any: a clean screen means a clean relay.
  std::string losses;
  for (const char* key : {"send_errors", "mesh_send_errors", "emit_errors", "capture_kernel_drops",
                          "mesh_receive_overflows"}) {
    if (doc.contains(key) && doc.at(key).is_number() && doc.at(key).get<std::uint64_t>() > 0) {
      losses += (losses.empty() ? "" : ", ") + std::string(key) + " " + number(doc.at(key));
    }
  }
  if (!losses.empty()) out += "losses: " + losses + "\n";
  std::string drops;
  for (const auto& [reason, count] : doc.at("dropped").items()) {
    if (count.get<std::uint64_t>() == 0) continue;
    drops += (drops.empty() ? "" : ", ") + reason + " " + number(count);
  }
  out += "dropped: " + (drops.empty() ? std::string("none") : drops) + "\n";
  return out;
}

}  // namespace

std::string status_document(const StatusHeader& header, const MetricsSnapshot& snapshot,
                            TimePoint now) {
  json doc = json::parse(stats_json(snapshot.counters, snapshot.peers, snapshot.peer_health, now));
  doc["version"] = snapshot.version;
  doc["interface"] = snapshot.interface;
  doc["interface_up"] = snapshot.interface_up;
  doc["self_relay"] = snapshot.self_relay;
  doc["mesh_port"] = header.mesh_port;
  doc["mesh_format"] = header.mesh_format;
  doc["uptime_s"] = header.uptime_s;
  doc["healthy"] = header.healthy;
  doc["verdict"] = header.verdict;
  return doc.dump() + "\n";
}

StatusScreen render_status(std::string_view document) {
  StatusScreen screen;
  const json doc = json::parse(document, nullptr, false);
  try {
    if (doc.is_discarded() || !doc.is_object()) throw std::runtime_error("not JSON");
    screen.healthy = doc.at("healthy").get<bool>();
    screen.text = "relay: " + doc.at("verdict").get<std::string>() + "\n" +
                  "  interface: " + doc.at("interface").get<std::string>() +
                  (doc.at("interface_up").get<bool>() ? "" : " (down)") + "   mesh: port " +
                  std::to_string(doc.at("mesh_port").get<unsigned>()) + ", " +
                  doc.at("mesh_format").get<std::string>() +
                  "   uptime: " + duration_text(doc.at("uptime_s").get<double>()) + "   version " +
                  doc.at("version").get<std::string>() + "\n\n" + peers_table(doc) + "\n" +
                  counters_lines(doc);
    screen.readable = true;
  } catch (const std::exception& e) {
    screen = StatusScreen{};
    screen.text = std::string("the relay's answer is not a status document (") + e.what() + ")";
  }
  return screen;
}

int status_exit_code(const StatusScreen& screen) {
  if (!screen.readable) return 2;
  return screen.healthy ? 0 : 1;
}

}  // namespace snowsignal
