// Runs one netsim scenario against the real binaries and hands the test its report,
// its logs and its per-segment captures.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace integration {

struct ScenarioRun {
  int exit_code = -1;
  nlohmann::json report;  // netsim --json
  std::filesystem::path dir;  // holds logs/ and pcap/; kept when a test fails

  std::filesystem::path log(const std::string& process) const;
  std::filesystem::path stats(const std::string& process) const;
  std::filesystem::path pcap(const std::string& segment) const;
  // The report's expectation declared at this line of the scenario file.
  const nlohmann::json& expectation_at_line(int line) const;
  // Every expectation's verdict, one per line, for failure messages.
  std::string summary() const;
};

// A scenario shipped in fixtures/scenarios (path relative to it).
std::filesystem::path scenario_file(const std::string& relative);

// The start of a generated scenario: segments a (198.18.1.0/24) and b (198.18.2.0/24)
// joined by one router, up to the `hosts:` key; the caller appends its hosts.
std::string two_segment_network(const std::string& name);

// Writes text to a fresh scenario file in the test's temporary directory.
std::filesystem::path write_scenario(const std::string& name, const std::string& yaml);

// Runs `netsim run FILE --json --logs DIR/logs --capture DIR/pcap`. Bounded: a netsim
// that outlives timeout_s is killed (by its PID) and the run reports exit_code -1.
ScenarioRun run_scenario(const std::filesystem::path& file, double timeout_s = 180);

std::string read_text(const std::filesystem::path& path);
nlohmann::json read_json(const std::filesystem::path& path);
std::size_t count_occurrences(const std::string& text, const std::string& needle);

}  // namespace integration
