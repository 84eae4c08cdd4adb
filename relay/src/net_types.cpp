#include "snowsignal/net_types.h"

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

Ipv4Address segment_broadcast(Ipv4Address address, Ipv4Address netmask,
                              Ipv4Address configured_broadcast) {
  const bool configured = configured_broadcast.value != 0 && configured_broadcast != address;
  if (configured) return configured_broadcast;
  return Ipv4Address{(address.value & netmask.value) | ~netmask.value};
}

}  // namespace snowsignal
