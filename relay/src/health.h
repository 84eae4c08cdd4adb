// What /healthz answers, decided from a snapshot by a pure function: healthy when the
// capture is running on an interface that is up, and at least one peer other than
// ourselves is known. Otherwise every reason, so an operator sees all of them at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "metrics_snapshot.h"

namespace snowsignal {

struct HealthVerdict {
  bool healthy = false;
  std::string text;  // "ok: ..." or "unhealthy: reason; reason", one line
};

HealthVerdict evaluate_health(const MetricsSnapshot& snapshot);

}  // namespace snowsignal

namespace snowsignal {

// The status code of an HTTP/1.x response ("HTTP/1.1 503 Service Unavailable\r\n..."),
// or nullopt when `response` does not start with a status line.
std::optional<int> http_status_code(std::string_view response);

// The body of an HTTP response (what follows the blank line), empty when there is none.
std::string_view http_body(std::string_view response);

}  // namespace snowsignal
