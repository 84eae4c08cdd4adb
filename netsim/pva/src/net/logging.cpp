#include "pva/net/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace pva::net {

bool valid_log_level(const std::string& name) {
  // spdlog maps unknown names to "off"; accept "off" only when spelled so.
  return name == "off" || spdlog::level::from_str(name) != spdlog::level::off;
}

std::string log_level_error(const std::string& name) {
  return valid_log_level(name) ? std::string{} : "unknown log level '" + name + "'";
}

void setup_logging(const std::string& tool, const std::string& level) {
  auto logger = spdlog::stderr_logger_st(tool);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n %l: %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);  // netsim reads logs while we run
  spdlog::set_default_logger(logger);
}

}  // namespace pva::net
