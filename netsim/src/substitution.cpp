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

std::optional<std::string> lookup_address(const Scenario& scenario, const std::string& name) {
  auto dot = name.find('.');
  const Host* host = scenario.find_host(name.substr(0, dot));
  if (!host || host->links.empty()) return std::nullopt;
  if (dot == std::string::npos) return to_string(host->links.front().address);
  std::string which = name.substr(dot + 1);
  for (const auto& l : host->links)
    if (l.ifname == which || l.segment == which) return to_string(l.address);
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
