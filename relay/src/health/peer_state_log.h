// Logs each change of a peer's state once, with the wall-clock time it began (the relay
// runs on a monotonic clock; operators read wall-clock times).
#pragma once

#include "snowsignal/clock.h"
#include "snowsignal/peer_health.h"

namespace snowsignal {

class PeerStateLog final : public PeerStateListener {
 public:
  explicit PeerStateLog(const Clock& clock) : clock_(clock) {}
  void on_state_change(const PeerStatus& status, PeerState previous,
                       TimePoint previous_since) override;

 private:
  const Clock& clock_;
};

}  // namespace snowsignal
