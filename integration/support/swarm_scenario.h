// Generated Docker Swarm scenarios for the overlay tests (issue 19): the network of
// fixtures/scenarios/swarm-overlay.yaml (underlay 198.18.0.0/24, node1..node3 at
// 198.18.0.11-13, overlay pvanet 198.19.1.0/24) and snowsignal as a service on it.
#pragma once

#include <string>
#include <vector>

namespace integration {

// Up to and including "hosts:"; the caller appends tasks (and timeline:, expect:).
std::string swarm_network(const std::string& name, int duration, bool flood = false);

// A relay task per named node, relayN on nodeN (relay1 is 198.19.1.2, relay2 .3, relay3
// .4 when declared first), service snowsignal, peers from SERVICENAME alone. `args`:
// more items of the command (YAML flow, each starting with ", "); `env`: more
// entries of env: (each starting with ", ").
std::string swarm_relays(const std::vector<int>& nodes = {1, 2, 3}, const std::string& args = "",
                         const std::string& env = "");

// A task on a node: `name` on nodeN, with a pva-server process when pvs is not empty
// ("--pv, \"A:PV=1\"" items).
std::string swarm_task(const std::string& name, int node, const std::string& pvs = "");

}  // namespace integration
