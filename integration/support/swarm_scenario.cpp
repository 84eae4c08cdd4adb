#include "swarm_scenario.h"

namespace integration {

std::string swarm_network(const std::string& name, int duration, bool flood) {
  return "name: " + name + "\nduration: " + std::to_string(duration) + R"(
settle: 0.5
segments:
  - {name: underlay, subnet: 198.18.0.0/24}
nodes:
  - {name: node1, segments: [{segment: underlay, address: 198.18.0.11}]}
  - {name: node2, segments: [{segment: underlay, address: 198.18.0.12}]}
  - {name: node3, segments: [{segment: underlay, address: 198.18.0.13}]}
overlays:
  - {name: pvanet, subnet: 198.19.1.0/24, flood: )" +
         (flood ? "true" : "false") + R"(}
hosts:
)";
}

std::string swarm_relays(const std::vector<int>& nodes, const std::string& args,
                         const std::string& env) {
  std::string yaml;
  for (int n : nodes) {
    const std::string k = std::to_string(n);
    yaml += "  - name: relay" + k + "\n    node: node" + k +
            "\n    service: snowsignal\n    segments: [pvanet]\n    processes:\n"
            "      - command: [snowsignal, -t, eth0, --stats-file, \"${stats}\"" +
            args + "]\n        env: {SERVICENAME: snowsignal" + env +
            "}\n        ready: \"relay ready:\"\n";
  }
  return yaml;
}

std::string swarm_task(const std::string& name, int node, const std::string& pvs) {
  std::string yaml = "  - name: " + name + "\n    node: node" + std::to_string(node) +
                     "\n    segments: [pvanet]\n";
  if (!pvs.empty())
    yaml += "    processes:\n      - command: [pva-server, " + pvs +
            ", --beacon-interval, \"0\"]\n        ready: \"pva-server ready:\"\n";
  return yaml;
}

}  // namespace integration
