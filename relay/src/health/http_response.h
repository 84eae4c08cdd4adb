// The two facts the --health-check probe needs from the HTTP answer of /healthz, read
// by pure functions so they are tested without a server.
#pragma once

#include <optional>
#include <string_view>

namespace snowsignal {

// The status code of an HTTP/1.x response ("HTTP/1.1 503 Service Unavailable\r\n..."),
// or nullopt when `response` does not start with a status line.
std::optional<int> http_status_code(std::string_view response);

// The body of an HTTP response (what follows the blank line), empty when there is none.
std::string_view http_body(std::string_view response);

}  // namespace snowsignal
