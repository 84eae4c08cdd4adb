// What /metrics and /healthz report: a copy of the relay's state that the event loop
// publishes now and then and the HTTP thread reads. Plain values, no references into
// the live relay, so the packet path never waits for a scrape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snowsignal/counters.h"
#include "snowsignal/net_types.h"
#include "snowsignal/peer_health.h"

namespace snowsignal {

struct MetricsSnapshot {
  std::string version;
  std::string interface;  // the capture (target) interface
  Counters counters;
  std::vector<IpAddress> peers;         // our own address alone in self-relay mode
  std::vector<PeerStatus> peer_health;  // what the relay believes about each peer
  bool self_relay = false;
  bool capture_open = false;  // the capture is open (the relay exits when it fails)
  bool interface_up = false;  // the target interface is administratively up and running
  double published_at_s = 0;  // monotonic seconds when this snapshot was taken
};

}  // namespace snowsignal
