#include "netsim/private_world.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace netsim {

namespace {

volatile sig_atomic_t g_child = 0;

void forward_signal(int sig) {
  if (g_child > 0) kill(g_child, sig);
}

void write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + strerror(errno));
  ssize_t n = write(fd, text.data(), text.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("cannot write " + path + ": " + strerror(err));
}

void become_root_in_user_namespace() {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER) != 0)
    throw std::runtime_error(
        std::string("cannot create a user namespace (unprivileged user namespaces disabled?): ") +
        strerror(errno));
  // An unprivileged process may map only its own ids, and must give up setgroups first.
  write_file("/proc/self/setgroups", "deny");
  write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
  write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
}

[[noreturn]] void supervise_pid1(pid_t child) {
  g_child = child;
  struct sigaction sa {};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  int status = 0;
  for (;;) {
    pid_t r = waitpid(child, &status, 0);
    if (r == child) break;
    if (r < 0 && errno != EINTR) _exit(2);
  }
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
  _exit(2);
}

}  // namespace

void enter_private_world() {
  if (geteuid() != 0) become_root_in_user_namespace();
  if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID) != 0)
    throw std::runtime_error(std::string("cannot create network/mount/pid namespaces: ") +
                             strerror(errno));
  pid_t outer = getpid();
  pid_t child = fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (child > 0) supervise_pid1(child);

  // PID 1 of the new pid namespace. If the original process is killed, die too (and
  // with us, everything in the namespace).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != outer && getppid() != 0) _exit(1);
  // Mounts made here (the fresh /proc) must not propagate back to the host.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    throw std::runtime_error(std::string("cannot make mounts private: ") + strerror(errno));
  // A /proc for our pid namespace, so /proc/<pid>/ns/net names our own children.
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    throw std::runtime_error(std::string("cannot mount /proc for the new pid namespace: ") +
                             strerror(errno));
  // A /sys that shows the world network namespace (tools like ip read it); optional.
  mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
}

}  // namespace netsim
