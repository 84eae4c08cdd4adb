#include "snowsignal/net_types.h"

// inet_pton/inet_ntop are text conversions from libc, no socket is involved: the core
// stays free of the networking API while IPv6 text follows the libc everyone tests.
#include <arpa/inet.h>

#include <charconv>
#include <cstdio>

namespace snowsignal {

std::string MacAddress::to_string() const {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", octets[0], octets[1], octets[2],
                octets[3], octets[4], octets[5]);
  return text;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view dotted) {
  std::uint32_t value = 0;
  const char* pos = dotted.data();
  const char* const end = dotted.data() + dotted.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos == end || *pos != '.') return std::nullopt;
      ++pos;
    }
    unsigned octet = 256;
    const char* start = pos;
    auto [next, ec] = std::from_chars(pos, end, octet);
    if (ec != std::errc{} || octet > 255 || next - start > 3) return std::nullopt;
    value = (value << 8) | octet;
    pos = next;
  }
  if (pos != end) return std::nullopt;
  return Ipv4Address{value};
}

std::string Ipv4Address::to_string() const {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", (value >> 24) & 0xffU, (value >> 16) & 0xffU,
                (value >> 8) & 0xffU, value & 0xffU);
  return text;
}

std::string join(const std::vector<Ipv4Address>& addresses) {
  std::string text;
  for (const Ipv4Address& address : addresses) {
    if (!text.empty()) text += ", ";
    text += address.to_string();
  }
  return text;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    const auto v4 = Ipv4Address::parse(text);
    if (!v4) return std::nullopt;
    return from_v4(*v4);
  }
  char buffer[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof buffer) return std::nullopt;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET6, buffer, address.octets.data()) != 1) return std::nullopt;
  return address;
}

std::string IpAddress::to_string() const {
  if (is_v4()) return v4().to_string();
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, octets.data(), text, sizeof text) == nullptr) return "?";
  return text;
}

std::string join(const std::vector<IpAddress>& addresses) {
  std::string text;
  for (const IpAddress& address : addresses) {
    if (!text.empty()) text += ", ";
    text += address.to_string();
  }
  return text;
}

Ipv4Address segment_broadcast(Ipv4Address address, Ipv4Address netmask,
                              Ipv4Address configured_broadcast) {
  const bool configured = configured_broadcast.value != 0 && configured_broadcast != address;
  if (configured) return configured_broadcast;
  return Ipv4Address{(address.value & netmask.value) | ~netmask.value};
}

}  // namespace snowsignal
