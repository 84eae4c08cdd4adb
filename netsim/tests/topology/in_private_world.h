// Runs a test body in a private world of its own (a forked child enters user+net+mount+
// pid namespaces, as netsim run does), so a topology test needs no privileges and
// leaves nothing behind. The child hands back text through a pipe; the assertions run
// in the parent.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "netsim/private_world.h"

namespace netsim {

// What body returned, or the exception it threw prefixed with "ERROR: ".
inline std::string in_private_world(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return "ERROR: pipe";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out;
    try {
      enter_private_world();
      out = body();
    } catch (const std::exception& e) {
      out = std::string("ERROR: ") + e.what();
    }
    ssize_t ignored = write(fds[1], out.data(), out.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

}  // namespace netsim
