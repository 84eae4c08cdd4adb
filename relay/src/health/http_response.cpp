#include "http_response.h"

namespace snowsignal {

std::optional<int> http_status_code(std::string_view response) {
  if (!response.starts_with("HTTP/1.")) return std::nullopt;
  const auto space = response.find(' ');
  if (space == std::string_view::npos || response.size() < space + 4) return std::nullopt;
  int code = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    const char c = response[i];
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  if (response.size() > space + 4 && response[space + 4] != ' ' && response[space + 4] != '\r') {
    return std::nullopt;
  }
  return code;
}

std::string_view http_body(std::string_view response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string_view::npos ? std::string_view{} : response.substr(end + 4);
}

}  // namespace snowsignal
