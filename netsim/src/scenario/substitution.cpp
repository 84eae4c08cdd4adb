#include "netsim/substitution.h"

namespace netsim {

std::string substitute(const std::string& text, const VariableLookup& lookup) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out.push_back(c);
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string::npos)
      throw SubstitutionError("missing '}' after '${' in \"" + text + "\"");
    std::string name = text.substr(i + 2, close - i - 2);
    auto value = lookup(name);
    if (!value) throw SubstitutionError("unknown variable ${" + name + "}");
    out += *value;
    i = close;
  }
  return out;
}

namespace {
// One address of one attachment; a family the segment lacks is an error that says so
// (rather than "unknown variable"), since the name itself is right.
std::string address_of(const Host& host, const Attachment& l, bool v6, const std::string& name) {
  if (v6) {
    if (!l.address6)
      throw SubstitutionError("${" + name + "}: " + host.name + "'s " + l.ifname + " (segment " +
                              l.segment + ") has no IPv6 address (its segment has no subnet6)");
    return to_string(*l.address6);
  }
  if (!l.ipv4)
    throw SubstitutionError("${" + name + "}: " + host.name + "'s " + l.ifname + " (segment " +
                            l.segment + ") has no IPv4 address (IPv6-only segment; use ${" + name +
                            ".v6})");
  return to_string(l.address);
}
}  // namespace

std::optional<std::string> lookup_address(const Scenario& scenario, const std::string& name) {
  auto dot = name.find('.');
  const Host* host = scenario.find_host(name.substr(0, dot));
  if (!host || host->links.empty()) return std::nullopt;
  if (dot == std::string::npos) return address_of(*host, host->links.front(), false, name);
  std::string which = name.substr(dot + 1);
  if (which == "v6") return address_of(*host, host->links.front(), true, name);
  bool v6 = false;
  if (which.size() > 3 && which.compare(which.size() - 3, 3, ".v6") == 0) {
    v6 = true;
    which.resize(which.size() - 3);
  }
  for (const auto& l : host->links)
    if (l.ifname == which || l.segment == which) return address_of(*host, l, v6, name);
  return std::nullopt;
}

std::string stats_path(const std::string& logs_dir, const std::string& process) {
  return logs_dir + "/" + process + ".stats.json";
}

std::string log_path(const std::string& logs_dir, const std::string& process) {
  return logs_dir + "/" + process + ".log";
}

VariableLookup run_variables(const Scenario& scenario, const std::string& logs_dir,
                             const std::string& process) {
  return [&scenario, logs_dir, process](const std::string& name) -> std::optional<std::string> {
    if (name == "logs") return logs_dir;
    if (name == "stats" && !process.empty()) return stats_path(logs_dir, process);
    return lookup_address(scenario, name);
  };
}

}  // namespace netsim
