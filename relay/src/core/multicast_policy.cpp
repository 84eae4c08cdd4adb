#include "multicast_policy.h"

#include <algorithm>
#include <array>

namespace snowsignal {

namespace {

std::string hex_digit(unsigned scope) {
  return std::string(1, "0123456789abcdef"[scope & 0xfU]);
}

// Bytes 2..13 are zero, and the last two hold `id`: the well-known groups ff0X::id.
bool is_well_known(const IpAddress& group, unsigned id) {
  const auto& o = group.octets;
  if ((o[1] & 0xf0U) != 0) return false;  // flags set: a transient or derived group
  if (!std::all_of(o.begin() + 2, o.begin() + 14, [](Byte b) { return b == 0; })) return false;
  return ((unsigned{o[14]} << 8) | o[15]) == id;
}

// ff0X::1:id (DHCPv6's groups).
bool is_well_known_1(const IpAddress& group, unsigned id) {
  const auto& o = group.octets;
  if ((o[1] & 0xf0U) != 0) return false;
  if (!std::all_of(o.begin() + 2, o.begin() + 12, [](Byte b) { return b == 0; })) return false;
  return o[12] == 0 && o[13] == 1 && ((unsigned{o[14]} << 8) | o[15]) == id;
}

std::optional<std::string> control_plane(const IpAddress& g) {
  const unsigned scope = ipv6_multicast_scope(g);
  if (is_well_known(g, 1)) {
    return "it is the all-nodes group (neighbour discovery, router advertisements): it must "
           "stay on its own link";
  }
  if (is_well_known(g, 2)) {
    return "it is the all-routers group (router solicitations): it must stay on its own link";
  }
  const auto& o = g.octets;
  // ff02::1:ff00:0/104 (RFC 4291 section 2.7.1).
  if (scope == 2 && std::all_of(o.begin() + 2, o.begin() + 11, [](Byte b) { return b == 0; }) &&
      o[11] == 1 && o[12] == 0xff && (o[1] & 0xf0U) == 0) {
    return "it is a solicited-node group (neighbour discovery, address resolution): it must "
           "stay on its own link";
  }
  if (scope == 2 && is_well_known(g, 0x16)) {
    return "it is the MLDv2 reports group: multicast listener state is per link";
  }
  constexpr std::array<unsigned, 6> kRouting{0x5, 0x6, 0x9, 0xa, 0xd, 0x12};
  if (scope == 2 && std::any_of(kRouting.begin(), kRouting.end(),
                                [&](unsigned id) { return is_well_known(g, id); })) {
    return "it is a routing protocol's group (OSPF, RIPng, EIGRP, PIM, VRRP): routers of "
           "one link must not hear another's";
  }
  if ((scope == 2 && is_well_known_1(g, 2)) || (scope == 5 && is_well_known_1(g, 3))) {
    return "it is a DHCPv6 group: address configuration must stay with its own relay agents";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ipv6_group_refusal(const IpAddress& group, bool wide_scopes) {
  if (group.is_v4() || !is_ipv6_multicast(group)) {
    return "it is not an IPv6 multicast group (ff00::/8)";
  }
  const unsigned scope = ipv6_multicast_scope(group);
  if (scope == 0 || scope == 0xf) return "its scope (" + hex_digit(scope) + ") is reserved";
  if (scope == 1) return "its scope is interface-local (1): it never leaves the host";
  if (auto reason = control_plane(group)) return reason;
  if (scope > 5 && !wide_scopes) {
    const char* name = scope == 8 ? "organisation-local, " : scope == 0xe ? "global, " : "";
    return "its scope (" + std::string(name) + hex_digit(scope) +
           ") is wider than a site, and relaying extends it to every peer's segment; pass "
           "--multicast-wide-scope (MULTICAST_WIDE_SCOPE=1) if that is meant";
  }
  return std::nullopt;
}

}  // namespace snowsignal
