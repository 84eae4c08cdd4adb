// Starts, watches, signals and stops the scenario's processes inside their hosts.
// Output goes to <logs>/<process>.log (appended across restarts). Readiness is a log
// line, never a sleep.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/scenario.h"
#include "netsim/topology.h"

namespace netsim {

// Maps short names (snowsignal, pva-server, pva-client, mesh-inject, udp-send, udp-recv,
// netsim) to our built binaries
// in bin_dir; anything else is found in PATH. Absolute/relative paths are kept.
class BinaryResolver {
 public:
  explicit BinaryResolver(std::string bin_dir) : bin_dir_(std::move(bin_dir)) {}
  std::string resolve(const std::string& name) const;
  const std::string& bin_dir() const { return bin_dir_; }
  static bool is_ours(const std::string& name);

 private:
  std::string bin_dir_;
};

// Where sibling tools live: NETSIM_BIN_DIR, else the directory of /proc/self/exe.
std::string default_bin_dir();

struct ProcessState {
  pid_t pid = -1;
  bool running = false;
  bool ready = false;
  int starts = 0;
  int last_exit = -1;          // exit code or 128 + signal
  std::size_t log_offset = 0;  // log size when the current instance started
  bool stopped_by_us = false;
};

class Supervisor {
 public:
  Supervisor(const Scenario& scenario, const Topology& topology, std::string logs_dir,
             BinaryResolver bins);

  // Starts a declared process (throws when it cannot be executed).
  void start(const std::string& name);
  // Waits for its readiness line; false on timeout, exit or interrupt. Keeps reaping.
  bool wait_ready(const std::string& name, const std::atomic<bool>& interrupted, std::string& why);
  // expect_exit: the signal is meant to end it (a kill fault), so no warning.
  void signal(const std::string& name, int sig, bool expect_exit = false);
  // SIGTERM, then SIGKILL after grace seconds. Returns the exit code.
  int stop(const std::string& name, double grace = 3);
  // Stops every running process (declared and one-shot). Returns how many were running.
  int stop_all(double grace = 3);

  // A one-shot program (pva-client for a check) with stdout and stderr to files.
  pid_t run_oneshot(const std::string& host, const std::vector<std::string>& argv,
                    const std::string& stdout_path, const std::string& stderr_path);
  // Exit code of a finished one-shot, or nullopt while it runs.
  std::optional<int> oneshot_status(pid_t pid) const;

  // Reaps every exited child; call from the main loop.
  void reap();

  const ProcessState& state(const std::string& name) const { return states_.at(name); }
  std::string log_file(const std::string& name) const;
  std::string runtime_dir(const std::string& host) const;
  std::vector<std::string> argv_of(const std::string& name) const;
  int processes_started() const;

 private:
  void on_exit(pid_t pid, int status);

  const Scenario& sc_;
  const Topology& topo_;
  std::string logs_;
  BinaryResolver bins_;
  std::map<std::string, ProcessState> states_;
  std::map<pid_t, std::optional<int>> oneshots_;
};

std::string read_file(const std::string& path, std::size_t from = 0);

}  // namespace netsim
