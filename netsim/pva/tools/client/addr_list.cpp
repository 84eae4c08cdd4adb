#include "addr_list.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace pva::client {

namespace {

std::vector<std::string> split(const std::string& text, bool commas) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const bool sep =
        commas ? (ch == ',' || ch == ' ') : std::isspace(static_cast<unsigned char>(ch));
    if (!sep) {
      cur += ch;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::optional<std::uint16_t> parse_port(const std::string& text) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v == 0 || v > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

void add_unique(std::vector<net::Endpoint>& v, const net::Endpoint& e) {
  if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
}

}  // namespace

std::optional<bool> parse_yes_no(const std::string& text) {
  std::string t;
  for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "yes" || t == "true" || t == "1") return true;
  if (t == "no" || t == "false" || t == "0") return false;
  return std::nullopt;
}

bool is_broadcast_target(const Ipv4& ip, const std::vector<Ipv4>& interface_broadcasts) {
  return net::is_limited_broadcast(ip) ||
         std::find(interface_broadcasts.begin(), interface_broadcasts.end(), ip) !=
             interface_broadcasts.end();
}

SearchTargets resolve_search_targets(const AddrListInputs& in) {
  SearchTargets r;
  if (in.flag_broadcast_port) {
    r.broadcast_port = *in.flag_broadcast_port;
  } else if (in.env_broadcast_port) {
    auto p = parse_port(*in.env_broadcast_port);
    if (!p) {
      r.error = "EPICS_PVA_BROADCAST_PORT: '" + *in.env_broadcast_port + "' is not a port";
      return r;
    }
    r.broadcast_port = *p;
  }

  bool auto_list = true;  // EPICS default
  if (in.flag_auto_addr_list) {
    auto_list = *in.flag_auto_addr_list;
  } else if (in.env_auto_addr_list) {
    auto v = parse_yes_no(*in.env_auto_addr_list);
    if (!v) {
      r.error = "EPICS_PVA_AUTO_ADDR_LIST: '" + *in.env_auto_addr_list + "' is not YES or NO";
      return r;
    }
    auto_list = *v;
  }

  const bool from_flag = in.flag_addr_list.has_value();
  const std::string name = from_flag ? "--addr-list" : "EPICS_PVA_ADDR_LIST";
  const auto entries = from_flag          ? split(*in.flag_addr_list, true)
                       : in.env_addr_list ? split(*in.env_addr_list, false)
                                          : std::vector<std::string>{};
  for (const auto& e : entries) {
    auto ep = net::parse_endpoint(e, r.broadcast_port);
    if (!ep) {
      r.error = name + ": '" + e + "' is not an IPv4 address[:port]";
      return r;
    }
    add_unique(r.targets, *ep);
  }
  if (auto_list)
    for (const auto& ip : in.interface_broadcasts) add_unique(r.targets, {ip, r.broadcast_port});
  if (r.targets.empty())
    r.error =
        "no search address: give --addr-list or set EPICS_PVA_ADDR_LIST, or allow "
        "EPICS_PVA_AUTO_ADDR_LIST (no broadcast-capable interface found)";
  return r;
}

}  // namespace pva::client
