#include "pva/address.h"

#include <algorithm>
#include <cstdio>

namespace pva {

namespace {
constexpr std::size_t kMappedPrefix = 10;  // ten zero bytes, then 0xFF 0xFF, then IPv4
}

Address Address::ipv4_mapped(const Ipv4& ip) {
  Address a;
  a.bytes[kMappedPrefix] = 0xFF;
  a.bytes[kMappedPrefix + 1] = 0xFF;
  std::copy(ip.begin(), ip.end(), a.bytes.begin() + 12);
  return a;
}

bool Address::is_unspecified() const {
  return *this == zero() || *this == mapped_any();
}

std::optional<Ipv4> Address::ipv4() const {
  const bool zeros = std::all_of(bytes.begin(), bytes.begin() + kMappedPrefix,
                                 [](std::uint8_t b) { return b == 0; });
  if (!zeros || bytes[10] != 0xFF || bytes[11] != 0xFF) return std::nullopt;
  return Ipv4{bytes[12], bytes[13], bytes[14], bytes[15]};
}

std::string ipv4_to_string(const Ipv4& ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
  return buf;
}

std::string Address::to_string() const {
  if (*this == zero()) return "::";
  if (auto v4 = ipv4()) return "::ffff:" + ipv4_to_string(*v4);
  // Plain IPv6: full hex groups are enough for logs.
  std::string s;
  char buf[6];
  for (std::size_t i = 0; i < 16; i += 2) {
    std::snprintf(buf, sizeof buf, "%s%x", i == 0 ? "" : ":", bytes[i] << 8 | bytes[i + 1]);
    s += buf;
  }
  return s;
}

}  // namespace pva
