#include "scenario_run.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace integration {
namespace fs = std::filesystem;

namespace {

fs::path make_run_dir() {
  std::string tmpl = (fs::temp_directory_path() / "snowsignal-it-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// Waits for pid up to timeout_s; kills it (only that PID: netsim's PID 1 then takes the
// whole namespace down with it) if it overstays. Returns the exit status or -1.
int wait_bounded(pid_t pid, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

ScenarioRun::ScenarioRun(ScenarioRun&& other) noexcept
    : exit_code(other.exit_code), report(std::move(other.report)), dir(std::move(other.dir)) {
  other.dir.clear();
}

ScenarioRun::~ScenarioRun() {
  if (dir.empty()) return;
  const char* keep = std::getenv("SNOWSIGNAL_KEEP_RUNS");
  if (::testing::Test::HasFailure() || (keep != nullptr && *keep == '1')) return;
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

fs::path ScenarioRun::log(const std::string& process) const {
  return dir / "logs" / (process + ".log");
}
fs::path ScenarioRun::stats(const std::string& process) const {
  return dir / "logs" / (process + ".stats.json");
}
fs::path ScenarioRun::pcap(const std::string& segment) const {
  return dir / "pcap" / (segment + ".pcap");
}

const nlohmann::json& ScenarioRun::expectation_at_line(int line) const {
  for (const auto& e : report.at("expectations"))
    if (e.value("line", 0) == line) return e;
  throw std::out_of_range("no expectation at line " + std::to_string(line));
}

std::string ScenarioRun::summary() const {
  std::ostringstream out;
  out << "netsim exit " << exit_code << ", files in " << dir.string() << "\n";
  if (report.contains("expectations"))
    for (const auto& e : report["expectations"])
      out << "  " << e.value("verdict", "?") << " " << e.value("description", "") << ": "
          << e.value("measured", "") << "\n";
  return out.str();
}

fs::path scenario_file(const std::string& relative) {
  return fs::path(SNOWSIGNAL_FIXTURES_DIR) / "scenarios" / relative;
}

std::string two_segment_network(const std::string& name) {
  return "name: " + name + R"(
duration: 20
segments:
  - {name: a, subnet: 198.18.1.0/24}
  - {name: b, subnet: 198.18.2.0/24}
routers:
  - {name: router, segments: [a, b]}
hosts:
)";
}

std::string three_segment_network(const std::string& name, int duration) {
  return "name: " + name + "\nduration: " + std::to_string(duration) + R"(
segments:
  - {name: a, subnet: 198.18.1.0/24}
  - {name: b, subnet: 198.18.2.0/24}
  - {name: c, subnet: 198.18.3.0/24}
routers:
  - {name: router, segments: [a, b, c]}
hosts:
)";
}

std::string prometheus_process(const std::string& targets) {
  return R"(      - name: prometheus
        command: [sh, -c, "printf 'global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs: [{job_name: snowsignal, static_configs: [{targets: [)" +
         targets +
         R"(]}]}]\n' > ${logs}/prometheus.yml && exec prometheus --config.file=${logs}/prometheus.yml --storage.tsdb.path=${logs}/tsdb --web.listen-address=198.18.1.40:9090"]
        ready: "Server is ready to receive web requests"
        ready_timeout: 30
)";
}

std::string relay_pair(const std::string& args_a, const std::string& args_b) {
  return R"(  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, "${relay-b}", --stats-file, "${stats}")" +
         args_a + R"(]
        ready: "relay ready:"
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, "${relay-a}", --stats-file, "${stats}")" +
         args_b + R"(]
        ready: "relay ready:"
)";
}

namespace {

ScenarioRun run_in(fs::path dir, const fs::path& file, double timeout_s);

}  // namespace

ScenarioRun run_scenario(const fs::path& file, double timeout_s) {
  return run_in(make_run_dir(), file, timeout_s);
}

ScenarioRun run_generated_scenario(const std::string& name, const std::string& yaml) {
  const fs::path dir = make_run_dir();
  const fs::path file = dir / (name + ".yaml");
  std::ofstream(file) << yaml;
  return run_in(dir, file, 180);
}

namespace {

ScenarioRun run_in(fs::path dir, const fs::path& file, double timeout_s) {
  ScenarioRun run;
  run.dir = std::move(dir);
  const fs::path out = run.dir / "report.json";
  const fs::path err = run.dir / "netsim.stderr";
  std::vector<std::string> args{NETSIM_EXE,    "run",
                                file.string(), "--json",
                                "--logs",      (run.dir / "logs").string(),
                                "--capture",   (run.dir / "pcap").string(),
                                "-q"};
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) _exit(127);
    dup2(o, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  run.exit_code = wait_bounded(pid, timeout_s);
  try {
    run.report = read_json(out);
  } catch (const std::exception&) {
    run.report = nlohmann::json::object();  // the summary then shows the exit code alone
  }
  return run;
}

}  // namespace

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string fixture_with_replaced(const std::string& fixture, const std::string& from,
                                  const std::string& to) {
  std::string text = read_text(scenario_file(fixture));
  std::size_t replaced = 0;
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
    ++replaced;
  }
  EXPECT_GT(replaced, 0u) << from << " not in " << fixture;
  return text;
}

nlohmann::json read_json(const fs::path& path) {
  return nlohmann::json::parse(read_text(path));
}

std::size_t count_occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

void expect_all_pass(const ScenarioRun& run) {
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  for (const auto& e : run.report.at("expectations")) {
    EXPECT_EQ(e.at("verdict"), "PASS") << run.summary();
  }
}

void expect_all_pass_with_no_discover(const ScenarioRun& run) {
  expect_all_pass(run);
  bool has_negative = false;
  for (const auto& e : run.report.at("expectations")) {
    has_negative = has_negative || e.at("kind") == "no_discover";
  }
  EXPECT_TRUE(has_negative) << "scenario has no no_discover expectation";
}

}  // namespace integration
