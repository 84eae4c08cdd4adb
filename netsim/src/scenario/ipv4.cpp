#include "netsim/ipv4.h"

#include <charconv>
#include <vector>

namespace netsim {

namespace {

std::optional<std::uint32_t> parse_number(const std::string& text, std::uint32_t max) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  std::uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::uint32_t Subnet::mask() const {
  return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix);
}

bool Subnet::contains(Ipv4 a) const {
  return (a.value & mask()) == network.value;
}

bool Subnet::overlaps(const Subnet& other) const {
  const Subnet& wider = prefix <= other.prefix ? *this : other;
  const Subnet& narrower = prefix <= other.prefix ? other : *this;
  return wider.contains(narrower.network);
}

Ipv4 Subnet::broadcast() const {
  return Ipv4{network.value | ~mask()};
}

std::uint32_t Subnet::host_count() const {
  if (prefix >= 31) return 0;
  return (~mask()) - 1;
}

Ipv4 Subnet::host(std::uint32_t n) const {
  return Ipv4{network.value + n};
}

std::optional<Ipv4> parse_ipv4(const std::string& text) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : text) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  parts.push_back(cur);
  if (parts.size() != 4) return std::nullopt;
  std::uint32_t v = 0;
  for (const auto& p : parts) {
    auto n = parse_number(p, 255);
    if (!n) return std::nullopt;
    v = (v << 8) | *n;
  }
  return Ipv4{v};
}

std::optional<Subnet> parse_subnet(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto addr = parse_ipv4(text.substr(0, slash));
  auto len = parse_number(text.substr(slash + 1), 32);
  if (!addr || !len) return std::nullopt;
  Subnet s{*addr, static_cast<int>(*len)};
  if ((addr->value & s.mask()) != addr->value) return std::nullopt;
  return s;
}

std::string to_string(Ipv4 a) {
  return std::to_string((a.value >> 24) & 0xff) + "." + std::to_string((a.value >> 16) & 0xff) +
         "." + std::to_string((a.value >> 8) & 0xff) + "." + std::to_string(a.value & 0xff);
}

std::string to_string(const Subnet& s) {
  return to_string(s.network) + "/" + std::to_string(s.prefix);
}

const Subnet& benchmark_space() {
  static const Subnet space{Ipv4{(198u << 24) | (18u << 16)}, 15};
  return space;
}

}  // namespace netsim
