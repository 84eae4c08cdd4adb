// The Swarm side of a run (issue 19): Docker's embedded DNS, played by the dnsmasq
// stand-ins the loader gave every task (swarm.h), kept current as tasks stop, start
// and move, and the reschedule event that moves a task to another node.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "netsim/scenario.h"
#include "netsim/supervisor.h"
#include "netsim/topology.h"

namespace netsim {

class SwarmRuntime {
 public:
  // scenario is the run's own copy: a move changes a task's node and addresses in it,
  // so ${task} variables, from: checks and DNS all follow the task.
  SwarmRuntime(Scenario& scenario, Topology& topology, Supervisor& supervisor,
               std::string logs_dir);

  // Before any process starts, when a task has a service: the hosts file, and a
  // resolv.conf naming 127.0.0.11 bind-mounted over /etc/resolv.conf. The mount lives
  // in the run's private mount namespace (netsim is its PID 1), so only this run's
  // processes see it and it vanishes with the run. Throws when it cannot be made.
  void install();
  // Rewrites the hosts file when what it should say has changed (a task's main
  // process stopped or started again, a task moved) and has every stand-in read it
  // again (SIGHUP). Cheap when nothing changed: call it every tick.
  void refresh();
  // The reschedule event: the task's processes stop (SIGTERM, as `docker stop`), it
  // leaves DNS, its interfaces leave its node, it comes back on the new node with the
  // next addresses Swarm's allocator would give, its processes start again (each
  // waited for), and DNS lists it again. Returns what happened; throws on failure.
  std::string reschedule(const FaultEvent& event, const std::atomic<bool>& interrupted);

 private:
  // A task is in tasks.<service> unless its main process (its first declared one, a
  // container's PID 1) was started and is not running, or it is being moved.
  bool task_up(const Host& task) const;

  Scenario& sc_;
  Topology& topo_;
  Supervisor& sup_;
  std::string logs_;
  bool active_ = false;                  // some task has a service
  std::string written_;                  // the hosts file as last written
  std::string moving_;                   // the task being moved, out of DNS meanwhile
  std::map<std::string, Ipv4> highest_;  // per overlay: the highest address handed out
};

}  // namespace netsim
