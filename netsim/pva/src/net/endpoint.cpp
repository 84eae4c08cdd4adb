#include "pva/net/endpoint.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace pva::net {

std::string Endpoint::to_string() const {
  return ipv4_to_string(ip) + ":" + std::to_string(port);
}

sockaddr_in Endpoint::to_sockaddr() const {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  std::memcpy(&sa.sin_addr.s_addr, ip.data(), 4);
  return sa;
}

Endpoint Endpoint::from_sockaddr(const sockaddr_in& sa) {
  Endpoint e;
  std::memcpy(e.ip.data(), &sa.sin_addr.s_addr, 4);
  e.port = ntohs(sa.sin_port);
  return e;
}

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  Ipv4 ip{};
  std::size_t part = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  while (part < 4) {
    unsigned v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc{} || next == p || next - p > 3 || v > 255) return std::nullopt;
    ip[part++] = static_cast<std::uint8_t>(v);
    p = next;
    if (part < 4) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  return ip;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  Endpoint e;
  e.port = default_port;
  const auto colon = text.find(':');
  if (colon != std::string_view::npos) {
    const auto port_text = text.substr(colon + 1);
    unsigned v = 0;
    auto [next, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (ec != std::errc{} || next != port_text.data() + port_text.size() || v == 0 || v > 65535)
      return std::nullopt;
    e.port = static_cast<std::uint16_t>(v);
    text = text.substr(0, colon);
  }
  auto ip = parse_ipv4(text);
  if (!ip) return std::nullopt;
  e.ip = *ip;
  return e;
}

bool is_multicast(const Ipv4& ip) {
  return (ip[0] & 0xF0) == 0xE0;
}
bool is_limited_broadcast(const Ipv4& ip) {
  return ip[0] == 255 && ip[1] == 255 && ip[2] == 255 && ip[3] == 255;
}

}  // namespace pva::net
