#include "netsim/namespaces.h"

#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace netsim {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void child_fail(int report_fd, int err) {
  if (report_fd >= 0) {
    ssize_t ignored = write(report_fd, &err, sizeof err);
    (void)ignored;
  }
  _exit(127);
}

// Reads an errno the child wrote before exec failed; 0 means exec succeeded
// (the CLOEXEC pipe closed on exec).
int read_exec_error(int fd) {
  int err = 0;
  ssize_t n;
  do {
    n = read(fd, &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  close(fd);
  return n == static_cast<ssize_t>(sizeof err) ? err : 0;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

std::string find_tool(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  path += ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (!dir.empty()) {
      std::string cand = dir + "/" + name;
      if (access(cand.c_str(), X_OK) == 0) return cand;
    }
    start = end + 1;
  }
  throw std::runtime_error("cannot find '" + name + "' in PATH or the sbin directories");
}

CommandResult run_command(int netns_fd, const std::vector<std::string>& argv_in, double timeout_s) {
  std::vector<std::string> argv = argv_in;
  argv[0] = find_tool(argv[0]);
  auto cargv = c_argv(argv);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) _exit(126);
    dup2(out[1], 1);
    dup2(out[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(out[1]);
  CommandResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  char buf[4096];
  bool killed = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = killed ? 128 + SIGKILL : exit_code_of(status);
  if (killed) result.output += "\n(netsim: killed after " + std::to_string(timeout_s) + "s)";
  if (result.status == 126) result.output += "(netsim: could not enter the network namespace)";
  return result;
}

void run_checked(int netns_fd, const std::vector<std::string>& argv) {
  auto r = run_command(netns_fd, argv);
  if (r.status != 0) {
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    throw std::runtime_error("'" + joined(argv) + "' failed (status " + std::to_string(r.status) +
                             "): " + out);
  }
}

void write_sysctl(int netns_fd, const std::string& proc_path, const std::string& value) {
  // /proc/sys/net is resolved against the opener's netns, so write from a child that
  // has entered the namespace.
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) _exit(2);
    int fd = open(proc_path.c_str(), O_WRONLY);
    if (fd < 0) _exit(3);
    if (write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) _exit(4);
    _exit(close(fd) == 0 ? 0 : 5);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exit_code_of(status) != 0)
    throw std::runtime_error("cannot write " + value + " to " + proc_path + " (step " +
                             std::to_string(exit_code_of(status)) + ")");
}

namespace {
// "ADDR_HEX NAME" of every address in /proc/thread-self/net/if_inet6 (the calling
// thread's netns) whose flags have any of mask's bits.
std::string ipv6_addresses_flagged(unsigned mask) {
  std::ifstream in("/proc/thread-self/net/if_inet6");
  std::string out, addr, index, prefix, scope, flags, name;
  while (in >> addr >> index >> prefix >> scope >> flags >> name)
    if (std::stoul(flags, nullptr, 16) & mask) out += (out.empty() ? "" : ", ") + addr + " " + name;
  return out;
}
}  // namespace

void wait_ipv6_addresses_ready(int netns_fd, double timeout_s) {
  constexpr unsigned kTentative = 0x40, kDadFailed = 0x08;  // IFA_F_TENTATIVE, IFA_F_DADFAILED
  const int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) throw std::runtime_error("open own netns: " + std::string(strerror(errno)));
  if (setns(netns_fd, CLONE_NEWNET) != 0) {
    const int err = errno;
    close(home);
    throw std::runtime_error("setns: " + std::string(strerror(err)));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::string pending = ipv6_addresses_flagged(kTentative | kDadFailed);
  while (!pending.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    pending = ipv6_addresses_flagged(kTentative | kDadFailed);
  }
  const bool back = setns(home, CLONE_NEWNET) == 0;
  close(home);
  if (!back) throw std::runtime_error("setns back: " + std::string(strerror(errno)));
  if (!pending.empty())
    throw std::runtime_error("IPv6 addresses still tentative (or DAD failed) after " +
                             std::to_string(timeout_s) + "s: " + pending);
}

void disable_tx_checksum_offload(int netns_fd, const std::string& ifname) {
  ifreq ifr{};
  if (ifname.size() >= sizeof ifr.ifr_name)
    throw std::runtime_error("interface name too long: " + ifname);
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) != 0) _exit(2);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) _exit(3);
    ethtool_value value{ETHTOOL_STXCSUM, 0};
    ifr.ifr_data = reinterpret_cast<char*>(&value);
    _exit(ioctl(fd, SIOCETHTOOL, &ifr) == 0 ? 0 : 4);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exit_code_of(status) != 0)
    throw std::runtime_error("cannot turn off TX checksum offload on " + ifname + " (step " +
                             std::to_string(exit_code_of(status)) + ")");
}

NetnsAnchor spawn_netns_anchor() {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    close(ready[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);  // a terminal ^C is for netsim, which tears down in order
    int err = unshare(CLONE_NEWNET) == 0 ? 0 : errno;
    ssize_t ignored = write(ready[1], &err, sizeof err);
    (void)ignored;
    close(ready[1]);
    if (err != 0) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  int err = -1;
  ssize_t n;
  do {
    n = read(ready[0], &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  close(ready[0]);
  if (n != static_cast<ssize_t>(sizeof err) || err != 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot create a network namespace: " +
                             std::string(strerror(err > 0 ? err : EIO)));
  }
  NetnsAnchor a;
  a.pid = pid;
  std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  a.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (a.fd < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
  }
  struct stat st {};
  if (fstat(a.fd, &st) == 0) a.inode = st.st_ino;
  return a;
}

// The environment for a launched program: ours, with RUNTIME_DIRECTORY set when the
// launch names one. Built before fork, so the child only calls execve.
static std::vector<std::string> launch_environment(const Launch& spec) {
  std::vector<std::pair<std::string, std::string>> extra = spec.env;
  if (!spec.runtime_dir.empty()) extra.emplace_back("RUNTIME_DIRECTORY", spec.runtime_dir);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const auto& v) {
      return entry.compare(0, v.first.size() + 1, v.first + "=") == 0;
    });
    if (!replaced) env.push_back(entry);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

pid_t launch(const Launch& spec) {
  auto cargv = c_argv(spec.argv);
  const std::vector<std::string> env_strings = launch_environment(spec);
  auto cenv = c_argv(env_strings);
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe: " + std::string(strerror(errno)));
  const char* out_path = spec.stdout_path.c_str();
  const char* err_path = spec.stderr_path.empty() ? nullptr : spec.stderr_path.c_str();
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    close(report[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (spec.netns_fd >= 0 && setns(spec.netns_fd, CLONE_NEWNET) != 0) child_fail(report[1], errno);
    int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) child_fail(report[1], errno);
    int err = out;
    if (err_path) {
      err = open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (err < 0) child_fail(report[1], errno);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
      child_fail(report[1], errno);
    execve(cargv[0], cargv.data(), cenv.data());
    child_fail(report[1], errno);
  }
  close(report[1]);
  int err = read_exec_error(report[0]);
  if (err != 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    throw std::runtime_error("cannot run " + spec.argv[0] + ": " + strerror(err));
  }
  return pid;
}

std::pair<pid_t, int> reap_one() {
  int status = 0;
  pid_t pid = waitpid(-1, &status, WNOHANG);
  if (pid <= 0) return {0, 0};
  return {pid, status};
}

bool handles_signal(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    const bool caught = line.rfind("SigCgt:", 0) == 0;
    const bool blocked = line.rfind("SigBlk:", 0) == 0;
    if (!caught && !blocked) continue;
    const unsigned long long mask = std::stoull(line.substr(7), nullptr, 16);
    if ((mask >> (sig - 1)) & 1u) return true;
  }
  return false;
}

int exit_code_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

}  // namespace netsim
