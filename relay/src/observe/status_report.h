// `snowsignal status`: the document a running relay serves on its status socket, and
// the one screen the command makes of it (after WireGuard's `wg show`: the interface,
// every peer with its state, then what was relayed and dropped). Pure functions: the
// relay builds the document from its published metrics snapshot, off the packet path;
// the command only renders what it received.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "metrics_snapshot.h"

namespace snowsignal {

// What the snapshot does not hold: how the relay was started, and the health verdict
// (the same one /healthz gives), decided by the caller.
struct StatusHeader {
  std::uint16_t mesh_port = 0;
  std::string mesh_format;  // "v1", or "v2 (...)" as the ready line says it
  double uptime_s = 0;
  bool healthy = false;
  std::string verdict;  // "ok: ..." or "unhealthy: ..."
};

// {"version", "interface", "mesh_port", "mesh_format", "uptime_s", "healthy",
//  "verdict", "self_relay", "interface_up", then every key of stats_json() with its
// peer_health}: the contract of `snowsignal status --json`.
std::string status_document(const StatusHeader& header, const MetricsSnapshot& snapshot,
                            TimePoint now);

struct StatusScreen {
  bool readable = false;  // false: not a status document (text says why)
  bool healthy = false;
  std::string text;
};

// The screen for a person, from a document as received.
StatusScreen render_status(std::string_view document);

// 0 healthy, 1 unhealthy (as /healthz), 2 no relay or no readable answer.
int status_exit_code(const StatusScreen& screen);

}  // namespace snowsignal
