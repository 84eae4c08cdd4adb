#include "netsim/topology_bench.h"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "netsim/scenario_loader.h"
#include "netsim/topology.h"

namespace netsim {

namespace {

// The last pid handed out in our pid namespace (netsim is its PID 1): its growth counts
// every fork and clone, whoever made it.
long last_pid() {
  std::ifstream f("/proc/sys/kernel/ns_last_pid");
  long v = -1;
  f >> v;
  return v;
}

}  // namespace

std::string bench_scenario_yaml(int segments) {
  if (segments < 1 || segments > 250)
    throw std::invalid_argument("bench segments must be 1..250, not " + std::to_string(segments));
  std::string y = "name: bench-" + std::to_string(segments) + "\nduration: 1\nsegments:\n";
  std::string names;
  for (int i = 1; i <= segments; ++i) {
    y += "  - {name: s" + std::to_string(i) + ", subnet: 198.18." + std::to_string(i) + ".0/24}\n";
    names += (i > 1 ? ", s" : "s") + std::to_string(i);
  }
  y += "routers:\n  - {name: core, segments: [" + names + "]}\nhosts:\n";
  for (int i = 1; i <= segments; ++i)
    y += "  - {name: h" + std::to_string(i) + ", segments: [s" + std::to_string(i) + "]}\n";
  y += "expect:\n  - {max_copies: 1, segment: s1}\n";
  return y;
}

std::string bench_swarm_yaml(int nodes) {
  if (nodes < 1 || nodes > 100)
    throw std::invalid_argument("bench swarm nodes must be 1..100, not " + std::to_string(nodes));
  std::string y = "name: bench-swarm-" + std::to_string(nodes) +
                  "\nduration: 1\nsegments:\n  - {name: underlay, subnet: 198.18.0.0/24}\nnodes:\n";
  for (int i = 1; i <= nodes; ++i)
    y += "  - {name: n" + std::to_string(i) +
         ", segments: [{segment: underlay, address: 198.18.0." + std::to_string(10 + i) + "}]}\n";
  y += "overlays:\n  - {name: ov, subnet: 198.19.0.0/23}\nhosts:\n";
  for (int i = 1; i <= nodes; ++i)
    for (const char* task : {"a", "b"})
      y += "  - {name: " + std::string(task) + std::to_string(i) + ", node: n" +
           std::to_string(i) + ", segments: [ov]}\n";
  y += "expect:\n  - {max_copies: 1, segment: ov, node: n1}\n";
  return y;
}

namespace {

BenchRow bench_yaml(const std::string& yaml, int size, EngineKind engine) {
  using Clock = std::chrono::steady_clock;
  Scenario sc = parse_scenario(yaml, "bench-topology");
  BenchRow row;
  row.engine = engine;
  row.segments = size;
  row.hosts = static_cast<int>(sc.hosts.size());
  Topology topo(sc, engine);
  long pid0 = last_pid();
  auto t0 = Clock::now();
  topo.build();
  auto t1 = Clock::now();
  row.processes = last_pid() - pid0;
  TeardownSummary sum = topo.teardown();
  auto t2 = Clock::now();
  if (!sum.problems.empty()) throw std::runtime_error("teardown: " + sum.problems.front());
  row.links = sum.links_deleted;
  row.setup_s = std::chrono::duration<double>(t1 - t0).count();
  row.teardown_s = std::chrono::duration<double>(t2 - t1).count();
  return row;
}

}  // namespace

BenchRow bench_topology(int segments, EngineKind engine) {
  return bench_yaml(bench_scenario_yaml(segments), segments, engine);
}

BenchRow bench_swarm(int nodes, EngineKind engine) {
  return bench_yaml(bench_swarm_yaml(nodes), nodes, engine);
}

}  // namespace netsim
