// ${...} variables in process commands and client arguments.
//
//   ${host}          first address of host (its eth0)
//   ${host.eth1}     address of one interface of host
//   ${host.segment}  address of host on a named segment
//   ${host.v6}, ${host.eth1.v6}, ${host.segment.v6}   the same, IPv6
//   ${logs}          the run's logs directory
//   ${stats}         this process's stats file: <logs>/<process>.stats.json
//   $$               a literal $
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "netsim/scenario.h"

namespace netsim {

using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

class SubstitutionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Replaces every ${name}; throws SubstitutionError on an unknown name or a missing '}'.
std::string substitute(const std::string& text, const VariableLookup& lookup);

// Host address variables (${host}, ${host.ethN}, ${host.segment}, each also with .v6)
// of a scenario. nullopt for an unknown name; throws SubstitutionError when the name is
// right but the interface lacks that family (e.g. ${host} on an IPv6-only eth0).
std::optional<std::string> lookup_address(const Scenario& scenario, const std::string& name);

// Address variables plus ${logs} and, when process is not empty, ${stats}.
VariableLookup run_variables(const Scenario& scenario, const std::string& logs_dir,
                             const std::string& process);

std::string stats_path(const std::string& logs_dir, const std::string& process);
std::string log_path(const std::string& logs_dir, const std::string& process);

}  // namespace netsim
