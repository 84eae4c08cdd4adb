// The private world a run lives in: new user (when not root), network, mount and pid
// namespaces. The caller continues as PID 1 of the new pid namespace; the original
// process only forwards SIGINT/SIGTERM/SIGHUP and exits with PID 1's status. When PID 1
// dies for any reason, even SIGKILL, the kernel kills everything in the pid namespace
// and frees every namespace, bridge and veth: nothing can leak.
#pragma once

#include <string>

namespace netsim {

// Must be called while the process is single-threaded. Returns only in PID 1; throws
// std::runtime_error (in the original process) when namespaces cannot be created.
void enter_private_world();

}  // namespace netsim
