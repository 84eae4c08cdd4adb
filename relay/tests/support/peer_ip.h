// Mesh peers for tests: dotted IPv4 (held IPv4-mapped, as the dual-stack mesh socket
// reports IPv4 senders) or IPv6 text, or an IPv4 address in host order.
#pragma once

#include <cstdint>
#include <ostream>

#include "snowsignal/net_types.h"

namespace snowsignal {
// gtest prints addresses as text, not as 16 bytes.
inline void PrintTo(const IpAddress& address, std::ostream* os) {
  *os << address.to_string();
}
}  // namespace snowsignal

namespace snowsignal::testing {

inline IpAddress peer_ip(const char* text) {
  return *IpAddress::parse(text);
}
inline IpAddress peer_ip(std::uint32_t v4) {
  return IpAddress::from_v4(Ipv4Address{v4});
}

}  // namespace snowsignal::testing
