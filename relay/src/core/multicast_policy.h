// Which IPv6 multicast groups `--multicast` accepts. Relaying a group extends it to every
// peer's segment, so the policy is about scope (RFC 4291 section 2.7, RFC 7346) and about
// the groups the IPv6 control plane itself uses, which must stay on their own link.
#pragma once

#include <optional>
#include <string>

#include "snowsignal/net_types.h"

namespace snowsignal {

// Why `group` (an IPv6 address) may not be relayed, or nothing if it may:
//  - not in ff00::/8, or scope 0, f (reserved) or 1 (interface-local: never on a wire);
//  - a control-plane group at any scope setting: all-nodes (ff0X::1), all-routers
//    (ff0X::2), solicited-node (ff02::1:ffXX:XXXX), MLDv2 reports (ff02::16), routing
//    protocols (ff02::5, 6, 9, a, d, 12) and DHCPv6 (ff02::1:2, ff05::1:3);
//  - scopes beyond site-local (6 to e: organisation 8, global e) unless `wide_scopes`.
// Accepted by default: scopes 2 (link-local) to 5 (site-local).
std::optional<std::string> ipv6_group_refusal(const IpAddress& group, bool wide_scopes);

}  // namespace snowsignal
