// What /healthz answers, decided from a snapshot by a pure function: healthy when the
// capture is running on an interface that is up, and at least one peer other than
// ourselves is known. Otherwise every reason, so an operator sees all of them at once.
#pragma once

#include <string>

#include "metrics_snapshot.h"

namespace snowsignal {

struct HealthVerdict {
  bool healthy = false;
  std::string text;  // "ok: ..." or "unhealthy: reason; reason", one line
};

HealthVerdict evaluate_health(const MetricsSnapshot& snapshot);

}  // namespace snowsignal
