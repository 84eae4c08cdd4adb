#include "client_report.h"

#include <algorithm>
#include <cstdio>

#include "pva/fnv1a.h"

namespace pva::client {

bool ClientReport::all_found() const {
  return std::all_of(pvs.begin(), pvs.end(), [](const PvResult& p) { return p.found; });
}

bool ClientReport::all_validated() const {
  return std::all_of(pvs.begin(), pvs.end(), [](const PvResult& p) { return p.tcp_validated; });
}

nlohmann::ordered_json to_json(const ClientReport& r) {
  nlohmann::ordered_json pvs = nlohmann::ordered_json::array();
  for (const auto& p : r.pvs) {
    nlohmann::ordered_json j = {{"name", p.name}, {"found", p.found}};
    j["server"] =
        p.server ? nlohmann::ordered_json(p.server->to_string()) : nlohmann::ordered_json(nullptr);
    j["guid"] =
        p.guid ? nlohmann::ordered_json(hex_bytes(*p.guid)) : nlohmann::ordered_json(nullptr);
    j["seconds"] = p.seconds ? nlohmann::ordered_json(*p.seconds) : nlohmann::ordered_json(nullptr);
    j["tcp_validated"] = p.tcp_validated;
    if (r.op != Operation::kNone) {
      j["value"] = p.value ? nlohmann::ordered_json(*p.value) : nlohmann::ordered_json(nullptr);
      j["error"] =
          p.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.error);
    }
    if (r.op == Operation::kMonitor) {
      j["updates"] = p.updates;
      j["reconnects"] = p.reconnects;
      j["updates_since_reconnect"] = p.updates_since_reconnect;
    }
    pvs.push_back(std::move(j));
  }
  nlohmann::ordered_json sent = nlohmann::ordered_json::array();
  for (const auto& s : r.sent_payloads)
    sent.push_back({{"bytes", s.bytes}, {"fnv1a64", hex64(s.fnv1a64)}});
  return {{"all_found", r.all_found()},
          {"pvs", std::move(pvs)},
          {"sent_payloads", std::move(sent)},
          {"datagrams_sent", r.datagrams_sent}};
}

std::string to_text(const ClientReport& r, bool connect) {
  std::string out;
  char line[512];
  for (const auto& p : r.pvs) {
    if (!p.found) {
      std::snprintf(line, sizeof line, "%s: NOT FOUND\n", p.name.c_str());
    } else {
      std::snprintf(line, sizeof line, "%s: found at %s guid %s after %.3f s%s\n", p.name.c_str(),
                    p.server->to_string().c_str(), hex_bytes(*p.guid).c_str(), *p.seconds,
                    !connect          ? ""
                    : p.tcp_validated ? ", TCP validated"
                                      : ", TCP NOT validated");
    }
    out += line;
    if (r.op != Operation::kNone && p.found) {
      if (!p.error.empty()) {
        std::snprintf(line, sizeof line, "  error: %s\n", p.error.c_str());
        out += line;
      }
      if (p.value) {
        std::snprintf(line, sizeof line, "  value %.17g\n", *p.value);
        out += line;
      }
      if (r.op == Operation::kMonitor) {
        std::snprintf(line, sizeof line, "  %llu updates, %llu reconnects, %llu since\n",
                      static_cast<unsigned long long>(p.updates),
                      static_cast<unsigned long long>(p.reconnects),
                      static_cast<unsigned long long>(p.updates_since_reconnect));
        out += line;
      }
    }
  }
  std::snprintf(line, sizeof line, "%zu datagrams sent; %s\n",
                static_cast<std::size_t>(r.datagrams_sent),
                r.all_found() ? "all found" : "some not found");
  out += line;
  return out;
}

int exit_code(const ClientReport& r, bool connect) {
  if (!r.all_found()) return 1;
  if (connect && !r.all_validated()) return 1;
  for (const auto& p : r.pvs) {
    if (r.op == Operation::kMonitor && p.updates_since_reconnect == 0) return 1;
    if ((r.op == Operation::kGet || r.op == Operation::kPut) && (!p.value || !p.error.empty()))
      return 1;
  }
  return 0;
}

}  // namespace pva::client
