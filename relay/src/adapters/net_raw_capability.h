// CAP_NET_RAW, the one privilege the relay needs (the capture and the raw re-broadcast).
//
// Why the relay raises it itself: a binary whose file capability is marked effective
// (setcap cap_net_raw+ep) is refused by the kernel at exec when the capability is not
// in the bounding set (podman's default, `cap_drop: [ALL]`), and the user sees only
// "exec /usr/bin/snowsignal: operation not permitted". Marked permitted only (+p), the
// binary starts, raises the capability here, and when it is absent says so in one line
// that names the setting granting it.
#pragma once

#include <string>

namespace snowsignal {

enum class NetRaw {
  kEffective,  // already effective (root, ambient from systemd, or raised here)
  kMissing,    // neither effective nor permitted: the relay cannot capture
};

// Raises CAP_NET_RAW into the effective set when it is permitted.
NetRaw acquire_net_raw();

// The one line printed when it is missing.
std::string net_raw_missing_message();

}  // namespace snowsignal
