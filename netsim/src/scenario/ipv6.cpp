#include "netsim/ipv6.h"

#include <arpa/inet.h>

#include <charconv>

namespace netsim {

namespace {

// The bits of a below the first `prefix` bits, cleared.
Ipv6 masked(const Ipv6& a, int prefix) {
  Ipv6 out = a;
  for (int i = 0; i < 16; ++i) {
    const int keep = prefix - 8 * i;
    if (keep >= 8) continue;
    out.bytes[static_cast<std::size_t>(i)] &=
        keep <= 0 ? std::uint8_t{0} : static_cast<std::uint8_t>(0xFF << (8 - keep));
  }
  return out;
}

}  // namespace

bool Subnet6::contains(const Ipv6& a) const {
  return masked(a, prefix) == network;
}

bool Subnet6::overlaps(const Subnet6& other) const {
  const Subnet6& wider = prefix <= other.prefix ? *this : other;
  const Subnet6& narrower = prefix <= other.prefix ? other : *this;
  return wider.contains(narrower.network);
}

std::uint64_t Subnet6::max_host() const {
  const int bits = 128 - prefix;
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

Ipv6 Subnet6::host(std::uint64_t n) const {
  Ipv6 out = network;
  for (int i = 15; i >= 8; --i) {
    out.bytes[static_cast<std::size_t>(i)] |= static_cast<std::uint8_t>(n & 0xFF);
    n >>= 8;
  }
  return out;
}

std::optional<Ipv6> parse_ipv6(const std::string& text) {
  Ipv6 a;
  if (text.find(':') == std::string::npos) return std::nullopt;
  if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::optional<Subnet6> parse_subnet6(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto addr = parse_ipv6(text.substr(0, slash));
  const std::string len_text = text.substr(slash + 1);
  int len = -1;
  auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (!addr || len_text.empty() || len_text.size() > 3 || ec != std::errc{} ||
      ptr != len_text.data() + len_text.size() || len < 0 || len > 128)
    return std::nullopt;
  if (masked(*addr, len) != *addr) return std::nullopt;
  return Subnet6{*addr, len};
}

std::string to_string(const Ipv6& a) {
  char text[INET6_ADDRSTRLEN] = "";
  inet_ntop(AF_INET6, a.bytes.data(), text, sizeof text);
  return text;
}

std::string to_string(const Subnet6& s) {
  return to_string(s.network) + "/" + std::to_string(s.prefix);
}

const Subnet6& documentation_space6() {
  static const Subnet6 space{*parse_ipv6("2001:db8::"), 32};
  return space;
}

Subnet6 default_subnet6(std::uint32_t n) {
  return *parse_subnet6("2001:db8:" + std::to_string(n) + "::/64");
}

}  // namespace netsim
