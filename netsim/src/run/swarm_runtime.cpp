#include "netsim/swarm_runtime.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

#include "netsim/namespaces.h"
#include "netsim/swarm.h"

namespace netsim {

namespace {

// Written beside and renamed over, so a stand-in never reads half a file.
void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + ": " + std::strerror(errno));
}

}  // namespace

SwarmRuntime::SwarmRuntime(Scenario& scenario, Topology& topology, Supervisor& supervisor,
                           std::string logs_dir)
    : sc_(scenario), topo_(topology), sup_(supervisor), logs_(std::move(logs_dir)) {
  active_ = sc_.has_services();
  for (const auto& h : sc_.hosts)
    for (const auto& l : h.links)
      if (h.is_task() && (!highest_.count(l.segment) || highest_[l.segment] < l.address))
        highest_[l.segment] = l.address;
}

void SwarmRuntime::install() {
  if (!active_) return;
  const std::string resolv = logs_ + "/swarm-resolv.conf";
  write_atomically(resolv, swarm_resolv_conf());
  // MS_BIND of a file over a file: /etc/resolv.conf must exist (it may be a symlink,
  // which the mount follows).
  if (mount(resolv.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0)
    throw std::runtime_error(std::string("cannot bind-mount the tasks' resolver over "
                                         "/etc/resolv.conf in the run's mount namespace: ") +
                             std::strerror(errno));
  spdlog::info("tasks resolve through the embedded-DNS stand-ins on {} ({})", kSwarmDnsAddress,
               resolv);
  refresh();
}

bool SwarmRuntime::task_up(const Host& task) const {
  if (task.name == moving_) return false;
  for (const auto& p : sc_.processes) {
    if (p.host != task.name || p.swarm_dns) continue;
    const ProcessState& st = sup_.state(p.name);
    return st.starts == 0 || st.running;
  }
  return true;  // no process: a task that is simply there
}

void SwarmRuntime::refresh() {
  if (!active_) return;
  const std::string text = swarm_dns_hosts(sc_, [this](const Host& h) { return task_up(h); });
  if (text == written_) return;
  write_atomically(logs_ + "/" + kSwarmDnsHostsFile, text);
  written_ = text;
  for (const auto& p : sc_.processes) {
    if (!p.swarm_dns) continue;
    const ProcessState& st = sup_.state(p.name);
    // SIGHUP's default action ends a process: only one that handles it is asked.
    if (st.running && handles_signal(st.pid, SIGHUP)) sup_.signal(p.name, SIGHUP);
  }
  spdlog::debug("embedded DNS: {}", text);
}

std::string SwarmRuntime::reschedule(const FaultEvent& e, const std::atomic<bool>& interrupted) {
  Host& task = *sc_.find_host(e.host);
  const std::string from = task.on_node;
  std::vector<std::string> processes;
  for (const auto& p : sc_.processes)
    if (p.host == task.name && !p.swarm_dns) processes.push_back(p.name);
  moving_ = task.name;
  for (auto it = processes.rbegin(); it != processes.rend(); ++it) sup_.stop(*it);
  refresh();
  // The next addresses, serially, as Swarm's allocator hands them out.
  std::vector<Ipv4> addresses;
  std::string old_text, new_text;
  for (const auto& l : task.links) {
    std::set<Ipv4> in_use;
    for (const auto& h : sc_.hosts)
      for (const auto& other : h.links)
        if (other.segment == l.segment) in_use.insert(other.address);
    const Ipv4 next =
        next_task_address(sc_.find_segment(l.segment)->subnet, highest_[l.segment], in_use);
    highest_[l.segment] = next;
    addresses.push_back(next);
    old_text += (old_text.empty() ? "" : ", ") + to_string(l.address);
    new_text += (new_text.empty() ? "" : ", ") + to_string(next);
  }
  topo_.move_task(task.name, e.node, addresses);
  task.on_node = e.node;
  for (std::size_t i = 0; i < addresses.size(); ++i) task.links[i].address = addresses[i];
  moving_.clear();
  for (const auto& name : processes) {
    sup_.start(name);
    std::string why;
    if (!sup_.wait_ready(name, interrupted, why)) throw std::runtime_error(why);
  }
  refresh();
  return task.name + " moved from " + from + " (" + old_text + ") to " + e.node + " (" + new_text +
         "); " + std::to_string(processes.size()) + " process(es) started again";
}

}  // namespace netsim
