// Expectation checkers: pure functions from what was measured to PASS/FAIL with the
// figure. The engine gathers the measurements; nothing here touches the system, so
// every verdict can be unit-tested on canned data.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "netsim/copy_counter.h"
#include "netsim/ipv4.h"
#include "netsim/scenario.h"

namespace netsim {

enum class Verdict { pass, fail, not_run };

struct CheckResult {
  std::string kind;
  std::string description;  // what was expected
  Verdict verdict = Verdict::not_run;
  std::string measured;  // the figure, one line
  nlohmann::json figures = nlohmann::json::object();
  SourceLocation where;
};

// What pva-client did: its exit status and stdout (one JSON object).
struct ClientOutcome {
  int exit_status = -1;
  std::string stdout_text;
  double wall_seconds = 0;
  std::string error;  // could not run at all
};

// What a deliver check's udp-recv and udp-send did (their exit statuses and stdout,
// one JSON object each) and the CPU time of the watched processes meanwhile.
struct DeliveryOutcome {
  int recv_exit = -1, send_exit = -1;
  std::string recv_stdout, send_stdout;
  double wall_seconds = 0;
  std::map<std::string, double> cpu_seconds;
  nlohmann::json counters = nlohmann::json::object();  // process -> counter_deltas()
  std::string error;                                   // could not run at all
};

// How every number in a stats JSON changed: {"captured": 5000, "dropped.echo": 0, ...}
// (dotted paths; numbers present in `after` only count from 0).
nlohmann::json counter_deltas(const nlohmann::json& before, const nlohmann::json& after);

CheckResult check_discover(const Expectation& x, const ClientOutcome& out,
                           const std::vector<Ipv4>& server_addresses);
CheckResult check_no_discover(const Expectation& x, const ClientOutcome& out);
// pva-client --monitor: every PV got min_updates, reconnected min_reconnects times and
// still had a live monitor (an update since its last reconnect) when the run ended.
CheckResult check_monitor(const Expectation& x, const ClientOutcome& out,
                          const std::vector<Ipv4>& server_addresses);
CheckResult check_max_copies(const Expectation& x, const CopyStats& stats);
// stats: the process's stats JSON, or nullopt with why it could not be read.
CheckResult check_counter(const Expectation& x, const std::optional<nlohmann::json>& stats,
                          const std::string& read_error);
// sender_addresses: the addresses of deliver.from as text, IPv4 and IPv6 (canonical,
// as to_string prints them): the source every datagram must keep.
CheckResult check_deliver(const Expectation& x, const DeliveryOutcome& out,
                          const std::vector<std::string>& sender_addresses);
CheckResult check_log(const Expectation& x, const std::string& log_text);
// peer_address: x.peer after variable substitution. Reads stats.peer_health[address].
CheckResult check_peer_state(const Expectation& x, const std::string& peer_address,
                             const std::optional<nlohmann::json>& stats,
                             const std::string& read_error);
CheckResult not_run(const Expectation& x, const std::string& why);

// "dropped.unknown_peer" -> number, if present and numeric.
std::optional<double> counter_value(const nlohmann::json& stats, const std::string& dotted_path);
bool compare(double measured, const std::string& op, double value);

std::string to_string(Verdict v);

}  // namespace netsim
