// The monitoring mixin (relay/deploy/monitoring) against the real thing: a real
// Prometheus in netsim scrapes two real relays on an authenticated mesh (so round trips
// exist) while a client discovers a server through them; every dashboard query must
// parse and return series, every alert expression must parse (issue 21). Grafana is not
// a Debian package, so its queries are evaluated as Grafana would send them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

namespace fs = std::filesystem;

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The test's own files: the mesh key (mode 0600, as the relay demands), and copies of
// the dashboard and of the alert rules with one metric misspelt each, the control that
// shows the check can fail (a quiet alert on a metric that does not exist included).
class TestFiles {
 public:
  TestFiles() {
    std::string pattern = (fs::temp_directory_path() / "snowsignal-monitoring-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    std::ofstream(key()) << "1 " << std::string(64, '7') << "\n";
    chmod(key().c_str(), 0600);
    std::string dashboard = slurp(fs::path(MONITORING_DIR) / "snowsignal-dashboard.json");
    const std::string good = "snowsignal_peer_rtt_seconds";
    const auto at = dashboard.find(good);
    if (at == std::string::npos) throw std::runtime_error("dashboard has no RTT panel");
    dashboard.replace(at, good.size(), "snowsignal_peer_rtt_second");
    std::ofstream(broken_dashboard()) << dashboard;
    std::string rules = slurp(fs::path(MONITORING_DIR) / "snowsignal-alerts.yml");
    const std::string peers = "snowsignal_peers{";
    const auto in_rules = rules.find(peers);
    if (in_rules == std::string::npos) throw std::runtime_error("no alert reads snowsignal_peers");
    rules.replace(in_rules, peers.size(), "snowsignal_peer_count{");
    std::ofstream(broken_rules()) << rules;
  }
  ~TestFiles() { fs::remove_all(dir_); }
  fs::path key() const { return dir_ / "mesh.key"; }
  fs::path broken_dashboard() const { return dir_ / "broken-dashboard.json"; }
  fs::path broken_rules() const { return dir_ / "broken-alerts.yml"; }

 private:
  fs::path dir_;
};

TEST(Monitoring, EveryDashboardQueryReturnsSeriesAndEveryAlertParsesOnARealPrometheus) {
  if (!have("prometheus")) GTEST_SKIP() << "prometheus not installed (Debian package prometheus)";
  if (!have("python3")) GTEST_SKIP() << "python3 not installed";
  if (std::system("python3 -c 'import yaml' 2>/dev/null") != 0) {
    GTEST_SKIP() << "python3-yaml not installed";
  }
  const TestFiles files;
  const std::string dir = MONITORING_DIR;
  const std::string check = "python3 " + dir + "/check_queries.py http://198.18.1.40:9090 ";
  const std::string rules = " " + dir + "/snowsignal-alerts.yml";
  const std::string key = ", --mesh-key-file, \"" + files.key().string() + "\"";
  const std::string yaml = two_segment_network("monitoring") +
                           relay_pair(key + R"(, --metrics-address, "198.18.1.2:9124")",
                                      key + R"(, --metrics-address, "198.18.2.2:9124")") +
                           R"(  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --pv, "MONITORING:PV"]
        ready: "pva-server ready:"
  - name: monitor
    segments: [{segment: a, address: 198.18.1.40}]
    processes:
)" + prometheus_process(R"(\"198.18.1.2:9124\", \"198.18.2.2:9124\")") +
                           R"(      - name: checker
        command: [sh, -c, ")" +
                           check + dir + "/snowsignal-dashboard.json" + rules +
                           " --within 40 > ${logs}/checks.txt; " + check +
                           files.broken_dashboard().string() + " " + files.broken_rules().string() +
                           R"( --within 0 > ${logs}/broken.txt; echo checks done"]
        ready: "checks done"
        ready_timeout: 90
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
expect:
  - {discover: MONITORING:PV, from: server, client: client, within: 5, at: 1}
  - {log: "checks done", process: checker}
)";
  const auto run = run_generated_scenario("monitoring", yaml);
  const std::string checks = slurp(run.dir / "logs" / "checks.txt");
  const std::string broken = slurp(run.dir / "logs" / "broken.txt");
  expect_all_pass(run);
  // 14 dashboard queries, the instance variable, 7 alert expressions, the 7 metrics the
  // alerts read.
  EXPECT_NE(checks.find("queries: 29 passed, 0 failed"), std::string::npos) << checks;
  // The control: each misspelt metric is caught, and only they are.
  EXPECT_NE(broken.find("FAIL alert metric snowsignal_peer_count: no series"), std::string::npos)
      << broken;
  EXPECT_NE(broken.find("FAIL panel \"Peer round trip (mesh v2)\" A: no series"), std::string::npos)
      << broken;
  EXPECT_NE(broken.find("queries: 27 passed, 2 failed"), std::string::npos) << broken;
}

}  // namespace
}  // namespace integration
