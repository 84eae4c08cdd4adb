// One stderr logger for the tools (stdout is for results: pva-client --json).
#pragma once

#include <string>

namespace pva::net {

// The level names accepted by -l (spdlog's): trace debug info warn error critical off.
bool valid_log_level(const std::string& name);
// CLI11-style validator: empty when fine, else the message.
std::string log_level_error(const std::string& name);
void setup_logging(const std::string& tool, const std::string& level);

}  // namespace pva::net
