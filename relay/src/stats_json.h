// Counters as JSON for --stats-file (read by netsim and the integration tests; the keys
// are a contract) and as one log line.
#pragma once

#include <string>
#include <vector>

#include "snowsignal/counters.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

// {"captured":N,"forwarded":N,"mesh_received":N,"rebroadcast":N,"send_errors":N,
//  "capture_kernel_drops":N,"dropped":{"<reason>":N,...},"peers":["a.b.c.d",...]}
// Every drop reason is present, zero or not, so readers see a fixed set of keys.
std::string stats_json(const Counters& counters, const std::vector<Ipv4Address>& peers);

// "captured=N forwarded=N ... dropped: own_mac=N ..." (non-zero drop reasons only).
std::string stats_line(const Counters& counters);

// Writes `content` to a temporary file beside `path`, then renames it over `path`, so a
// reader never sees a half-written file. Returns an error message, empty on success.
std::string write_file_atomically(const std::string& path, const std::string& content);

}  // namespace snowsignal
