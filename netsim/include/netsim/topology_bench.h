// A topology-only benchmark: builds and tears down a generated topology with each
// engine and says how long it took and how many processes it made. Runs inside the
// private world (call enter_private_world() first). No traffic, no programs.
#pragma once

#include <string>
#include <vector>

#include "netsim/link_engine.h"

namespace netsim {

// N segments (198.18.1.0/24 ...), one router on all of them (as in the shipped
// scenarios: a core router joins the segments) and one host on each: N+1 namespaces,
// 2N veth pairs, N bridges.
std::string bench_scenario_yaml(int segments);

// A Swarm of N nodes on one underlay (198.18.0.0/24), one overlay across them
// (198.19.0.0/23, VXLAN, no flooding) and two tasks on each node: 3N namespaces.
std::string bench_swarm_yaml(int nodes);

struct BenchRow {
  EngineKind engine = EngineKind::netlink;
  int segments = 0;  // segments, or nodes for bench_swarm
  int hosts = 0;
  int links = 0;  // world links: bridges + veths
  double setup_s = 0;
  double teardown_s = 0;
  long processes = 0;  // processes (and threads) created during set-up, from ns_last_pid
};

BenchRow bench_topology(int segments, EngineKind engine);
BenchRow bench_swarm(int nodes, EngineKind engine);

}  // namespace netsim
