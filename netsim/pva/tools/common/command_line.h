// What both tools do with their command line: the shared -l option, and one
// convention for parse errors (one line naming the flag, exit 2).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "pva/net/logging.h"

namespace pva::tools {

inline constexpr int kUsageExit = 2;

inline void add_log_level_option(CLI::App& app, std::string& level) {
  app.add_option("-l,--log-level", level, "trace|debug|info|warn|error|critical|off")
      ->check(net::log_level_error);
}

// std::nullopt: go on; else the exit code (0 after --help, 2 after a usage error).
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv,
                                             const char* tool) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
    return kUsageExit;
  }
  return std::nullopt;
}

}  // namespace pva::tools
