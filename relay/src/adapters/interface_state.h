// Read-only questions to the kernel about the capture interface, which the metrics
// snapshot needs, asked from the event loop between batches (a syscall each, never
// per packet).
#pragma once

#include <string>

namespace snowsignal {

// The interface is administratively up (IFF_UP) and has carrier (IFF_RUNNING). False
// also when it does not exist (any more).
bool interface_running(const std::string& name);

}  // namespace snowsignal
