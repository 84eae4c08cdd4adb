#include "netsim/supervisor.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "netsim/namespaces.h"
#include "netsim/substitution.h"

namespace netsim {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::size_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}
}  // namespace

std::string read_file(const std::string& path, std::size_t from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(from));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool BinaryResolver::is_ours(const std::string& name) {
  return name == "snowsignal" || name == "pva-server" || name == "pva-client" || name == "netsim" ||
         name == "mesh-inject" || name == "udp-send" || name == "udp-recv";
}

std::string BinaryResolver::resolve(const std::string& name) const {
  if (is_ours(name)) {
    std::string path = bin_dir_ + "/" + name;
    if (access(path.c_str(), X_OK) != 0)
      throw std::runtime_error(name + " not found in " + bin_dir_ + " (build the '" + name +
                               "' target, or set NETSIM_BIN_DIR)");
    return path;
  }
  return find_tool(name);
}

std::string default_bin_dir() {
  if (const char* env = getenv("NETSIM_BIN_DIR"); env && *env) return env;
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string exe(buf, static_cast<std::size_t>(n));
  auto slash = exe.rfind('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

Supervisor::Supervisor(const Scenario& scenario, const Topology& topology, std::string logs_dir,
                       BinaryResolver bins)
    : sc_(scenario), topo_(topology), logs_(std::move(logs_dir)), bins_(std::move(bins)) {
  for (const auto& p : sc_.processes) states_[p.name] = ProcessState{};
}

std::string Supervisor::log_file(const std::string& name) const {
  return log_path(logs_, name);
}

std::vector<std::string> Supervisor::argv_of(const std::string& name) const {
  const ProcessSpec* spec = sc_.find_process(name);
  auto vars = run_variables(sc_, logs_, name);
  std::vector<std::string> argv;
  for (const auto& a : spec->command) argv.push_back(substitute(a, vars));
  argv[0] = bins_.resolve(argv[0]);
  return argv;
}

// The host's runtime directory, LOGS/run-HOST, made on first use.
std::string Supervisor::runtime_dir(const std::string& host) const {
  const std::string dir = logs_ + "/run-" + host;
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

void Supervisor::start(const std::string& name) {
  const ProcessSpec* spec = sc_.find_process(name);
  ProcessState& st = states_.at(name);
  if (st.running) throw std::runtime_error("process " + name + " is already running");
  Launch l;
  l.argv = argv_of(name);
  l.netns_fd = topo_.netns_fd(spec->host);
  l.runtime_dir = runtime_dir(spec->host);
  const auto vars = run_variables(sc_, logs_, name);
  for (const auto& [var, value] : spec->env) l.env.emplace_back(var, substitute(value, vars));
  l.stdout_path = log_file(name);
  st.log_offset = file_size(l.stdout_path);
  st.pid = launch(l);
  st.running = true;
  st.ready = spec->ready.empty();
  st.stopped_by_us = false;
  ++st.starts;
  spdlog::info("started {} on {} (pid {}): {}", name, spec->host, st.pid, [&] {
    std::string s;
    for (const auto& a : l.argv) s += (s.empty() ? "" : " ") + a;
    return s;
  }());
}

bool Supervisor::wait_ready(const std::string& name, const std::atomic<bool>& interrupted,
                            std::string& why) {
  const ProcessSpec* spec = sc_.find_process(name);
  ProcessState& st = states_.at(name);
  auto deadline = Clock::now() + std::chrono::duration<double>(spec->ready_timeout);
  while (!st.ready) {
    reap();
    std::string log = read_file(log_file(name), st.log_offset);
    if (!spec->ready.empty() && log.find(spec->ready) != std::string::npos) {
      st.ready = true;
      break;
    }
    if (!st.running) {
      why = name + " exited with status " + std::to_string(st.last_exit) + " before logging \"" +
            spec->ready + "\"";
      return false;
    }
    if (interrupted) {
      why = "interrupted";
      return false;
    }
    if (Clock::now() > deadline) {
      std::ostringstream o;
      o << name << " did not log \"" << spec->ready << "\" within " << spec->ready_timeout << "s";
      why = o.str();
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  spdlog::info("{} is ready", name);
  return true;
}

void Supervisor::signal(const std::string& name, int sig, bool expect_exit) {
  ProcessState& st = states_.at(name);
  if (expect_exit) st.stopped_by_us = true;
  if (st.running && st.pid > 0) kill(st.pid, sig);
}

int Supervisor::stop(const std::string& name, double grace) {
  ProcessState& st = states_.at(name);
  if (!st.running) return st.last_exit;
  st.stopped_by_us = true;
  kill(st.pid, SIGTERM);
  auto deadline = Clock::now() + std::chrono::duration<double>(grace);
  while (st.running && Clock::now() < deadline) {
    reap();
    if (st.running) std::this_thread::sleep_for(kPollInterval);
  }
  if (st.running) {
    kill(st.pid, SIGKILL);
    for (int i = 0; i < 250 && st.running; ++i) {  // SIGKILL cannot be ignored; bound anyway
      reap();
      if (st.running) std::this_thread::sleep_for(kPollInterval);
    }
  }
  return st.last_exit;
}

int Supervisor::stop_all(double grace) {
  int n = 0;
  for (auto& [pid, status] : oneshots_)
    if (!status) {
      kill(pid, SIGTERM);
      ++n;
    }
  for (auto& [name, st] : states_)
    if (st.running) {
      ++n;
      st.stopped_by_us = true;
      kill(st.pid, SIGTERM);
    }
  auto any_running = [&] {
    for (auto& [name, st] : states_)
      if (st.running) return true;
    for (auto& [pid, status] : oneshots_)
      if (!status) return true;
    return false;
  };
  auto deadline = Clock::now() + std::chrono::duration<double>(grace);
  while (any_running() && Clock::now() < deadline) {
    reap();
    std::this_thread::sleep_for(kPollInterval);
  }
  for (auto& [name, st] : states_)
    if (st.running) kill(st.pid, SIGKILL);
  for (auto& [pid, status] : oneshots_)
    if (!status) kill(pid, SIGKILL);
  for (int i = 0; i < 250 && any_running(); ++i) {
    reap();
    std::this_thread::sleep_for(kPollInterval);
  }
  return n;
}

pid_t Supervisor::run_oneshot(const std::string& host, const std::vector<std::string>& argv,
                              const std::string& stdout_path, const std::string& stderr_path) {
  Launch l;
  l.argv = argv;
  l.argv[0] = bins_.resolve(argv[0]);
  l.netns_fd = topo_.netns_fd(host);
  l.runtime_dir = runtime_dir(host);
  l.stdout_path = stdout_path;
  l.stderr_path = stderr_path;
  pid_t pid = launch(l);
  oneshots_[pid] = std::nullopt;
  return pid;
}

std::optional<int> Supervisor::oneshot_status(pid_t pid) const {
  auto it = oneshots_.find(pid);
  return it == oneshots_.end() ? std::nullopt : it->second;
}

void Supervisor::reap() {
  for (int i = 0; i < 1000; ++i) {
    auto [pid, status] = reap_one();
    if (pid <= 0) return;
    on_exit(pid, status);
  }
}

void Supervisor::on_exit(pid_t pid, int status) {
  int code = exit_code_of(status);
  if (auto it = oneshots_.find(pid); it != oneshots_.end()) {
    it->second = code;
    return;
  }
  for (auto& [name, st] : states_) {
    if (st.running && st.pid == pid) {
      st.running = false;
      st.last_exit = code;
      if (!st.stopped_by_us) spdlog::warn("{} exited with status {}", name, code);
      return;
    }
  }
  // Anything else is an orphan re-parented to us, PID 1 of the namespace: just reaped.
}

int Supervisor::processes_started() const {
  int n = 0;
  for (const auto& [name, st] : states_) n += st.starts;
  return n + static_cast<int>(oneshots_.size());
}

}  // namespace netsim
