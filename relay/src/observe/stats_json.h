// Counters as JSON for --stats-file (read by netsim and the integration tests; the keys
// are a contract) and as one log line.
#pragma once

#include <string>
#include <vector>

#include "snowsignal/counters.h"
#include "snowsignal/net_types.h"
#include "snowsignal/peer_health.h"

namespace snowsignal {

// {"captured":N,"forwarded":N,"mesh_received":N,"rebroadcast":N,"send_errors":N,
//  "capture_kernel_drops":N,"dropped":{"<reason>":N,...},"peers":["a.b.c.d",...]}
// Every drop reason is present, zero or not, so readers see a fixed set of keys.
// With `health`, also "peer_health": {"a.b.c.d": {"state":..., "reason":...,
// "seconds_in_state":S, "last_heard_seconds_ago":S|null, "datagrams_sent":N,
// "bytes_sent":N, "datagrams_received":N, "bytes_received":N, "send_errors":N,
// "icmp_errors":N, "rtt_ms":MS|null}, ...}; times are relative to `now`.
std::string stats_json(const Counters& counters, const std::vector<IpAddress>& peers,
                       const std::vector<PeerStatus>& health = {}, TimePoint now = {});

// "198.18.2.2 up (heard 2 s ago), 198.18.3.2 unreachable for 12 s (ICMP port
// unreachable)", or "none": the peer part of the counters line.
std::string peers_line(const std::vector<PeerStatus>& health, TimePoint now);

// "captured=N forwarded=N ... dropped: own_mac=N ..." (non-zero drop reasons only).
std::string stats_line(const Counters& counters);

// Writes `content` to a temporary file beside `path`, then renames it over `path`, so a
// reader never sees a half-written file. Returns an error message, empty on success.
std::string write_file_atomically(const std::string& path, const std::string& content);

}  // namespace snowsignal
