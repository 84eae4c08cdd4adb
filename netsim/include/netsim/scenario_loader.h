// Reads a scenario from YAML, validates every name and address, and allocates the
// addresses that were not given. Every error is a ScenarioError naming file:line.
#pragma once

#include <string>

#include "netsim/scenario.h"

namespace netsim {

Scenario load_scenario_file(const std::string& path);
Scenario parse_scenario(const std::string& yaml_text, const std::string& file_name);

}  // namespace netsim
