// Which destinations the UDP test tools may use, and parsing of "ADDR:PORT".
//
// Network safety: test traffic goes only to loopback, the RFC 2544 benchmarking space
// netsim builds its segments in, multicast and the limited broadcast (both stay on the
// segment), inside namespaces the test created. Anything else is refused before a
// socket exists. Addresses are parsed with getaddrinfo(AI_NUMERICHOST) into a
// sockaddr_storage, so the IPv6 ranges below work the same way (never a name lookup).
//
//   IPv4: 198.18.0.0/15, 127.0.0.0/8, 224.0.0.0/4, 255.255.255.255
//   IPv6: 2001:db8::/32 (documentation), ::1, fe80::/10 (link-local), ff00::/8
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace udp {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family() const { return addr.ss_family; }
  std::uint16_t port() const;
  bool is_multicast() const;
  std::string str() const;  // "198.18.1.2:5076", "[2001:db8::1]:5076"
};

struct ParsedEndpoint {
  Endpoint endpoint;
  std::string error;  // empty on success
};

// "ADDR:PORT" or "[V6ADDR]:PORT"; numeric addresses only. port_required false allows
// a bare address (port 0).
ParsedEndpoint parse_endpoint(const std::string& text, bool port_required = true);

// Empty when the test tools may send to this address, else why not.
std::string destination_refusal(const Endpoint& e);

// From a received sockaddr (recvmsg), without a guard.
Endpoint endpoint_from(const sockaddr* sa, socklen_t len);

}  // namespace udp
