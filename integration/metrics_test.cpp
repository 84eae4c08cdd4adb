// /metrics and /healthz of the real relay inside netsim (issue 11): health follows the
// capture link, a real Prometheus scrapes the counters, promtool accepts real output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "support/scenario_run.h"

namespace integration {
namespace {

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

// relay-a serves metrics on 0.0.0.0:9124; a prober beside it asks /healthz every 100 ms
// (bounded: 120 probes) and logs each answer as "probe: <status> <text>".
std::string health_scenario(bool with_link_fault) {
  std::string yaml = two_segment_network("healthz") +
                     R"(  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, "${relay-b}", --metrics-address,
                  "0.0.0.0:9124", --stats-file, "${stats}"]
        ready: "relay ready:"
      - name: prober
        command: [sh, -c, "i=0; while [ $$i -lt 120 ]; do echo probe: $$()" SNOWSIGNAL_EXE
                     R"( --health-check 127.0.0.1:9124); i=$$((i+1)); sleep 0.1; done"]
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, "${relay-a}", --stats-file, "${stats}"]
        ready: "relay ready:"
)";
  yaml += "timeline:\n";
  if (with_link_fault) {
    yaml += "  - {at: 2, link_down: relay-a.eth0}\n  - {at: 4, link_up: relay-a.eth0}\n";
  } else {
    yaml += "  - {at: 4, kill: relay-b, signal: USR1}\n";  // same length, no fault
  }
  yaml += "expect:\n  - {log: \"probe: 200 ok\", process: prober, at: 6}\n";
  return yaml;
}

// The answers the prober logged, in order, with consecutive repeats folded.
std::vector<std::string> health_transitions(const std::string& log) {
  std::vector<std::string> states;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("probe: ")) continue;
    const std::string state = line.substr(7);
    if (states.empty() || states.back() != state) states.push_back(state);
  }
  return states;
}

TEST(Healthz, TurnsUnhealthyWhenTheCaptureLinkGoesDownAndHealthyWhenItComesBack) {
  const auto run = run_generated_scenario("healthz", health_scenario(true));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const std::vector<std::string> expected = {
      "200 ok: capturing on eth0, 1 peer",
      "503 unhealthy: capture interface eth0 is down",
      "200 ok: capturing on eth0, 1 peer",
  };
  EXPECT_EQ(health_transitions(read_text(run.log("prober"))), expected);
  // The relay survived the link going down (one start) and said what happened.
  const std::string relay_log = read_text(run.log("relay-a"));
  EXPECT_EQ(count_occurrences(relay_log, "relay ready:"), 1u);
  EXPECT_NE(relay_log.find("capture interface eth0 is down"), std::string::npos);
}

// Negative control: the same run without the link fault is healthy throughout, so the
// 503 above is the link's doing and not a flaky probe.
TEST(Healthz, StaysHealthyWithoutTheLinkFault) {
  const auto run = run_generated_scenario("healthz-control", health_scenario(false));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const std::vector<std::string> expected = {"200 ok: capturing on eth0, 1 peer"};
  EXPECT_EQ(health_transitions(read_text(run.log("prober"))), expected);
}

// A real Prometheus on segment a scrapes relay-a every second while a client discovers a
// server across the relays; a query through Prometheus' HTTP API must return relay-a's
// forwarded counter >= 1. The scraper also saves one /metrics body for promtool.
TEST(Metrics, ARealPrometheusScrapesTheRelaysCountersAndPromtoolAcceptsTheBody) {
  if (!have("prometheus")) GTEST_SKIP() << "prometheus not installed (Debian package prometheus)";
  if (!have("promtool")) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  if (!have("python3")) GTEST_SKIP() << "python3 not installed";
  const std::string yaml = two_segment_network("prometheus") +
                           relay_pair(R"(, --metrics-address, "198.18.1.2:9124")") +
                           R"(  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --beacon-interval, "0", --pv, "METRICS:PV"]
        ready: "pva-server ready:"
  - name: monitor
    segments: [{segment: a, address: 198.18.1.40}]
    processes:
)" + prometheus_process(R"(\"198.18.1.2:9124\")") +
                           R"(      - name: query
        command:
          - python3
          - -c
          - |
            import json, time, urllib.request
            body = urllib.request.urlopen("http://198.18.1.2:9124/metrics", timeout=3).read()
            open("${logs}/metrics.txt", "wb").write(body)
            url = "http://198.18.1.40:9090/api/v1/query?query=snowsignal_forwarded_total"
            for attempt in range(60):
                time.sleep(0.5)
                answer = json.load(urllib.request.urlopen(url, timeout=3))
                result = answer["data"]["result"]
                if result and float(result[0]["value"][1]) >= 1:
                    print("query:", json.dumps(result[0]), flush=True)
                    break
            else:
                print("query: no forwarded >= 1 after 30 s:", json.dumps(answer), flush=True)
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
expect:
  - {discover: METRICS:PV, from: server, client: client, within: 5, at: 1}
  - {log: "query: {", process: query, at: 12}
  - {counter: forwarded, process: relay-a, op: ">=", value: 1}
)";
  const auto run = run_generated_scenario("prometheus", yaml);
  ASSERT_EQ(run.exit_code, 0) << run.summary() << read_text(run.log("query"));
  const std::string query = read_text(run.log("query"));
  EXPECT_NE(query.find("\"job\": \"snowsignal\""), std::string::npos) << query;
  EXPECT_NE(query.find("\"instance\": \"198.18.1.2:9124\""), std::string::npos) << query;

  const auto metrics = run.dir / "logs" / "metrics.txt";
  ASSERT_TRUE(std::filesystem::exists(metrics));
  EXPECT_NE(read_text(metrics).find("snowsignal_dropped_total{reason=\"unknown_peer\"}"),
            std::string::npos);
  EXPECT_EQ(std::system(("promtool check metrics < " + metrics.string()).c_str()), 0);
}

}  // namespace
}  // namespace integration
