// Where pva-client sends its searches, from flags and the EPICS_PVA_* environment the
// way pvxs' client config reads them. Pure: the environment and the interface list
// are inputs, so the rules are unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pva/net/endpoint.h"

namespace pva::client {

struct AddrListInputs {
  // Command line (overrides the environment when set).
  std::optional<std::string> flag_addr_list;  // comma separated
  std::optional<std::uint16_t> flag_broadcast_port;
  std::optional<bool> flag_auto_addr_list;
  // Environment.
  std::optional<std::string> env_addr_list;       // EPICS_PVA_ADDR_LIST, space separated
  std::optional<std::string> env_auto_addr_list;  // EPICS_PVA_AUTO_ADDR_LIST, YES default
  std::optional<std::string> env_broadcast_port;  // EPICS_PVA_BROADCAST_PORT
  // Broadcast addresses of the non-loopback IPv4 interfaces.
  std::vector<Ipv4> interface_broadcasts;
};

struct SearchTargets {
  std::vector<net::Endpoint> targets;  // unique, in order: explicit list, then auto
  std::uint16_t broadcast_port = 5076;
  std::string error;  // one line naming the flag or variable
};

SearchTargets resolve_search_targets(const AddrListInputs& in);

// YES/NO as EPICS spells it, plus true/false/1/0; case-insensitive.
std::optional<bool> parse_yes_no(const std::string& text);

// pvxs marks searches sent to a unicast address with flag 0x80.
bool is_broadcast_target(const Ipv4& ip, const std::vector<Ipv4>& interface_broadcasts);

}  // namespace pva::client
