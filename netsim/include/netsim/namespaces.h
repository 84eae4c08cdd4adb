// Low-level Linux plumbing: namespace anchors and running programs inside a netns.
// Every fork here happens on the orchestrating (main) thread, because
// PR_SET_PDEATHSIG fires when the forking *thread* exits, not the process.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace netsim {

struct CommandResult {
  int status = -1;     // exit status, or 128 + signal
  std::string output;  // stdout and stderr together
};

// Runs argv (argv[0] a path or a name looked up in PATH plus /usr/sbin:/sbin) inside
// the network namespace netns_fd (-1: the current one), waiting at most timeout_s.
// The child is killed if it overruns. Never goes through a shell.
CommandResult run_command(int netns_fd, const std::vector<std::string>& argv,
                          double timeout_s = 10);
// Same, but throws std::runtime_error with the command and its output on failure.
void run_checked(int netns_fd, const std::vector<std::string>& argv);

// Absolute path of a system tool (ip, nft): PATH first, then the sbin directories an
// unprivileged user's PATH often lacks. Throws if not found.
std::string find_tool(const std::string& name);

// Writes value to a /proc/sys file as seen from inside netns_fd (e.g. ip_forward).
void write_sysctl(int netns_fd, const std::string& proc_path, const std::string& value);

// Waits (bounded by timeout_s, polling every millisecond) until no IPv6 address inside
// netns_fd is tentative (IFA_F_TENTATIVE in /proc/net/if_inet6). Even without DAD
// (accept_dad=0, IFA_F_NODAD) the kernel's own fe80:: address is tentative until its
// address-configuration work has run, a moment after the link comes up. Throws
// std::runtime_error naming the addresses still tentative (or failed DAD) at the end.
// Enters the namespace with setns on the calling thread and returns to where it was.
void wait_ipv6_addresses_ready(int netns_fd, double timeout_s);

// Turns off TX checksum offload on an interface inside netns_fd (SIOCETHTOOL, as
// `ethtool -K IF tx off`). On a veth the kernel otherwise leaves UDP/TCP checksums
// unfilled (CHECKSUM_PARTIAL), so captures, and a relay's raw capture, would see
// frames no real wire carries.
void disable_tx_checksum_offload(int netns_fd, const std::string& ifname);

// A process that does nothing but hold a fresh network namespace open. It dies with us
// (PR_SET_PDEATHSIG) and with the pid namespace, taking the netns with it.
struct NetnsAnchor {
  pid_t pid = -1;
  int fd = -1;  // open /proc/<pid>/ns/net
  ino_t inode = 0;
};
NetnsAnchor spawn_netns_anchor();

struct Launch {
  std::vector<std::string> argv;  // argv[0] already an absolute path
  int netns_fd = -1;
  std::string stdout_path;  // appended to
  std::string stderr_path;  // empty: same file as stdout
  // The emulated host's own runtime directory (its /run): given to the program as
  // RUNTIME_DIRECTORY, as systemd gives a service, so programs that keep sockets there
  // (snowsignal's status socket) keep them per host, in the run's logs, and never on
  // the machine's /run. Empty: the environment as it is.
  std::string runtime_dir;
  // More variables (a scenario process's env:), replacing any of the same name.
  std::vector<std::pair<std::string, std::string>> env;
};
// Starts a long-running program in its own process group with PR_SET_PDEATHSIG.
// Throws (with errno text) when the program cannot be executed.
pid_t launch(const Launch& spec);

// waitpid(-1, WNOHANG) once; returns {pid, status} or {0, 0} when nothing exited.
std::pair<pid_t, int> reap_one();
// Whether a running process takes sig itself, so that sending it cannot kill a program
// that never asked for it: a handler (SigCgt in /proc/PID/status) or a blocked signal
// (SigBlk), which is how programs that read signals from a signalfd, like snowsignal,
// receive them.
bool handles_signal(pid_t pid, int sig);
// Decodes a wait status to an exit code (128 + signal for signals).
int exit_code_of(int wait_status);

}  // namespace netsim
