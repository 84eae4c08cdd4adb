#include "udp/address_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>

namespace udp {

namespace {

bool v4_in(std::uint32_t addr, std::uint32_t net, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (addr & mask) == (net & mask);
}

bool v6_prefix(const in6_addr& a, std::initializer_list<std::uint8_t> bytes, int bits) {
  int i = 0;
  for (std::uint8_t b : bytes) {
    const int left = bits - 8 * i;
    if (left <= 0) break;
    const auto mask = static_cast<std::uint8_t>(left >= 8 ? 0xFF : 0xFF << (8 - left));
    if ((a.s6_addr[i] & mask) != (b & mask)) return false;
    ++i;
  }
  return true;
}

}  // namespace

std::uint16_t Endpoint::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return 0;
}

bool Endpoint::is_multicast() const {
  if (family() == AF_INET)
    return IN_MULTICAST(ntohl(reinterpret_cast<const sockaddr_in&>(addr).sin_addr.s_addr));
  if (family() == AF_INET6)
    return IN6_IS_ADDR_MULTICAST(&reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr);
  return false;
}

std::string Endpoint::str() const {
  char host[INET6_ADDRSTRLEN] = "?";
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(port());
  }
  return "?";
}

Endpoint endpoint_from(const sockaddr* sa, socklen_t len) {
  Endpoint e;
  if (len > sizeof e.addr) len = sizeof e.addr;
  std::memcpy(&e.addr, sa, len);
  e.len = len;
  return e;
}

ParsedEndpoint parse_endpoint(const std::string& text, bool port_required) {
  ParsedEndpoint out;
  std::string host = text, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) {
      out.error = "'" + text + "': missing ']'";
      return out;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        out.error = "'" + text + "': expected ':PORT' after ']'";
        return out;
      }
      port = text.substr(close + 2);
    }
  } else if (auto colon = text.rfind(':'); colon != std::string::npos && text.find(':') == colon) {
    host = text.substr(0, colon);  // exactly one ':' : IPv4 with a port
    port = text.substr(colon + 1);
  }
  if (port.empty() && port_required) {
    out.error = "'" + text + "': expected ADDRESS:PORT (IPv6: [ADDRESS]:PORT)";
    return out;
  }
  long port_number = 0;
  if (!port.empty()) {
    char* end = nullptr;
    port_number = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || port_number < 1 || port_number > 65535) {
      out.error = "'" + text + "': port must be 1..65535";
      return out;
    }
  }
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST;  // never a name lookup
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
    out.error = "'" + host + "' is not a numeric IPv4 or IPv6 address";
    return out;
  }
  out.endpoint = endpoint_from(res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  const auto p = htons(static_cast<std::uint16_t>(port_number));
  if (out.endpoint.family() == AF_INET)
    reinterpret_cast<sockaddr_in&>(out.endpoint.addr).sin_port = p;
  else
    reinterpret_cast<sockaddr_in6&>(out.endpoint.addr).sin6_port = p;
  return out;
}

std::string destination_refusal(const Endpoint& e) {
  if (e.family() == AF_INET) {
    const std::uint32_t a = ntohl(reinterpret_cast<const sockaddr_in&>(e.addr).sin_addr.s_addr);
    if (v4_in(a, 0xC6120000, 15) || v4_in(a, 0x7F000000, 8) || v4_in(a, 0xE0000000, 4) ||
        a == 0xFFFFFFFF)
      return {};
    return e.str() +
           " is outside the test address space (198.18.0.0/15, 127.0.0.0/8, 224.0.0.0/4, "
           "255.255.255.255)";
  }
  if (e.family() == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(e.addr).sin6_addr;
    if (v6_prefix(a, {0x20, 0x01, 0x0d, 0xb8}, 32) || IN6_IS_ADDR_LOOPBACK(&a) ||
        IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a))
      return {};
    return e.str() + " is outside the test address space (2001:db8::/32, ::1, fe80::/10, ff00::/8)";
  }
  return "unsupported address family";
}

}  // namespace udp
