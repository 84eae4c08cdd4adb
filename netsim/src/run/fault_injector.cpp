#include "netsim/fault_injector.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "netsim/namespaces.h"

namespace netsim {

namespace {

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// "table X {}; delete table X" first makes the load idempotent: nft -f applies the
// file atomically, so the old rules are replaced in one step.
std::string replace_table(const std::string& family_and_name, const std::string& body) {
  return "table " + family_and_name + " {}\ndelete table " + family_and_name + "\ntable " +
         family_and_name + " {\n" + body + "}\n";
}

}  // namespace

std::string loss_ruleset(const std::map<std::string, int>& port_percent) {
  std::ostringstream body;
  body << "  chain forward_loss {\n    type filter hook forward priority 0; policy accept;\n";
  for (const auto& [port, pct] : port_percent) {
    if (pct <= 0) continue;
    // Frames from the host enter the bridge on its port; frames to it leave by it.
    // numgen's range is 0..99, so total loss is a plain drop.
    std::string match = pct >= 100 ? "" : "numgen random mod 100 < " + std::to_string(pct) + " ";
    body << "    iifname \"" << port << "\" " << match << "drop\n";
    body << "    oifname \"" << port << "\" " << match << "drop\n";
  }
  body << "  }\n";
  return replace_table("bridge netsim_loss", body.str());
}

std::string partition_ruleset(const Scenario& sc,
                              const std::set<std::pair<std::string, std::string>>& pairs) {
  std::ostringstream body;
  body << "  chain forward_partition {\n    type filter hook forward priority 0; policy accept;\n";
  auto both_ways = [&body](const std::string& family, const std::string& na,
                           const std::string& nb) {
    body << "    " << family << " saddr " << na << " " << family << " daddr " << nb << " drop\n";
    body << "    " << family << " saddr " << nb << " " << family << " daddr " << na << " drop\n";
  };
  for (const auto& [a, b] : pairs) {
    const Segment& sa = *sc.find_segment(a);
    const Segment& sb = *sc.find_segment(b);
    if (sa.ipv4 && sb.ipv4) both_ways("ip", to_string(sa.subnet), to_string(sb.subnet));
    if (sa.subnet6 && sb.subnet6) both_ways("ip6", to_string(*sa.subnet6), to_string(*sb.subnet6));
  }
  body << "  }\n";
  // inet: one table for both families (IPv6 segments are partitioned too).
  return replace_table("inet netsim_partition", body.str());
}

FaultInjector::FaultInjector(const Scenario& scenario, const Topology& topology,
                             Supervisor& supervisor, SwarmRuntime& swarm, std::string logs_dir)
    : sc_(scenario), topo_(topology), sup_(supervisor), swarm_(swarm), logs_(std::move(logs_dir)) {}

void FaultInjector::write_loss_rules() {
  std::string path = logs_ + "/nft-loss.rules";
  write_text(path, loss_ruleset(loss_));
  run_checked(-1, {find_tool("nft"), "-f", path});
}

void FaultInjector::write_partition_rules() {
  std::string text = partition_ruleset(sc_, partitions_);
  for (const auto& h : sc_.hosts) {
    if (!h.router) continue;
    std::string path = logs_ + "/nft-partition-" + h.name + ".rules";
    write_text(path, text);
    run_checked(topo_.netns_fd(h.name), {find_tool("nft"), "-f", path});
  }
}

std::string FaultInjector::apply(const FaultEvent& e, const std::atomic<bool>& interrupted) {
  switch (e.kind) {
    case FaultKind::kill: {
      if (!sup_.state(e.process).running) return e.process + " was not running";
      pid_t pid = sup_.state(e.process).pid;
      const bool ends_it = e.signal == SIGKILL || e.signal == SIGTERM || e.signal == SIGINT;
      sup_.signal(e.process, e.signal, ends_it);
      if (ends_it) {
        // Wait (bounded) so a later restart finds it gone.
        for (int i = 0; i < 250 && sup_.state(e.process).running; ++i) {
          sup_.reap();
          if (sup_.state(e.process).running) usleep(20000);
        }
      }
      return "sent signal " + std::to_string(e.signal) + " to " + e.process + " (pid " +
             std::to_string(pid) + ")" +
             (sup_.state(e.process).running ? ", still running" : ", exited");
    }
    case FaultKind::restart: {
      if (sup_.state(e.process).running) sup_.stop(e.process);
      sup_.start(e.process);
      std::string why;
      if (!sup_.wait_ready(e.process, interrupted, why)) throw std::runtime_error(why);
      return e.process + " restarted (pid " + std::to_string(sup_.state(e.process).pid) +
             ") and ready";
    }
    case FaultKind::link_down:
    case FaultKind::link_up: {
      const char* state = e.kind == FaultKind::link_down ? "down" : "up";
      topo_.set_link_up(e.host, e.ifname, e.kind == FaultKind::link_up);
      return e.host + "." + e.ifname + " " + state;
    }
    case FaultKind::loss:
      loss_[topo_.world_port(e.host, e.ifname)] = e.percent;
      write_loss_rules();
      return std::to_string(e.percent) + "% loss both ways on " + e.host + "." + e.ifname;
    case FaultKind::partition:
      partitions_.insert(std::minmax(e.segment_a, e.segment_b));
      write_partition_rules();
      return "routers drop traffic between " + e.segment_a + " and " + e.segment_b;
    case FaultKind::heal:
      if (e.segment_a.empty())
        partitions_.clear();
      else
        partitions_.erase(std::minmax(e.segment_a, e.segment_b));
      write_partition_rules();
      return e.segment_a.empty() ? "all partitions healed"
                                 : e.segment_a + " and " + e.segment_b + " healed";
    case FaultKind::reschedule:
      return swarm_.reschedule(e, interrupted);
  }
  return "";
}

}  // namespace netsim
