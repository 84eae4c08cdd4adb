// `snowsignal --health-check`: a tiny HTTP/1.0 client for the container HEALTHCHECK, so
// the image needs no curl. GET /healthz, print the answer, exit 0 only on 200.
#pragma once

#include "snowsignal/config.h"

namespace snowsignal {

// Returns the process exit status: 0 healthy, 1 unhealthy or unreachable. Bounded by a
// few seconds whatever the server does.
int probe_health(const Endpoint& endpoint);

}  // namespace snowsignal
