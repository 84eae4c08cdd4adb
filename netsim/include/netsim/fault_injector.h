// Applies timeline events. Loss is an nftables bridge-family rule on the host's bridge
// port in the world netns, so it hits every frame, raw L2 included (a relay's capture
// and re-broadcast bypass the IP stack). Partitions are nftables forward rules in every
// router, so routed traffic (the relay mesh, replies, TCP) stops and broadcasts, which
// never cross routers anyway, are untouched.
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "netsim/scenario.h"
#include "netsim/supervisor.h"
#include "netsim/swarm_runtime.h"
#include "netsim/topology.h"

namespace netsim {

class FaultInjector {
 public:
  FaultInjector(const Scenario& scenario, const Topology& topology, Supervisor& supervisor,
                SwarmRuntime& swarm, std::string logs_dir);

  // Returns a one-line account of what was done; throws std::runtime_error on failure.
  std::string apply(const FaultEvent& event, const std::atomic<bool>& interrupted);

 private:
  void write_loss_rules();
  void write_partition_rules();

  const Scenario& sc_;
  const Topology& topo_;
  Supervisor& sup_;
  SwarmRuntime& swarm_;
  std::string logs_;
  std::map<std::string, int> loss_;  // world port -> percent
  std::set<std::pair<std::string, std::string>> partitions_;
};

// The nftables rule text (pure, for tests and the logs dir).
std::string loss_ruleset(const std::map<std::string, int>& port_percent);
std::string partition_ruleset(const Scenario& scenario,
                              const std::set<std::pair<std::string, std::string>>& pairs);

}  // namespace netsim
