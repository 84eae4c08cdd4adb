#include "health_verdict.h"

namespace snowsignal {

HealthVerdict evaluate_health(const MetricsSnapshot& s) {
  std::string reasons;
  auto add = [&reasons](const std::string& reason) {
    if (!reasons.empty()) reasons += "; ";
    reasons += reason;
  };
  if (!s.capture_open) add("capture on " + s.interface + " is not running");
  if (s.capture_open && !s.interface_up) add("capture interface " + s.interface + " is down");
  // Self-relay mode lists ourselves as the only peer: that is no peer at all.
  if (s.self_relay || s.peers.empty()) {
    add("no peer resolved (--other-relays/OTHER_RELAYS or SERVICENAME); self-relay mode");
  }
  if (!reasons.empty()) return {false, "unhealthy: " + reasons};
  return {true, "ok: capturing on " + s.interface + ", " + std::to_string(s.peers.size()) +
                    (s.peers.size() == 1 ? " peer" : " peers")};
}

}  // namespace snowsignal
