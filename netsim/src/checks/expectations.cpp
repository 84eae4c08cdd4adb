#include "netsim/expectations.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace netsim {

namespace {

CheckResult base(const Expectation& x) {
  CheckResult r;
  r.kind = to_string(x.kind);
  r.description = describe(x);
  r.where = x.where;
  return r;
}

std::string fmt(double v) {
  std::ostringstream o;
  o << std::setprecision(4) << v;
  return o.str();
}

std::optional<nlohmann::json> parse_client_json(const ClientOutcome& out, std::string& why) {
  if (!out.error.empty()) {
    why = out.error;
    return std::nullopt;
  }
  // pva-client prints one JSON object; take the last line that parses.
  std::istringstream lines(out.stdout_text);
  std::optional<nlohmann::json> found;
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) found = j;
  }
  if (!found) {
    auto j = nlohmann::json::parse(out.stdout_text, nullptr, false);
    if (!j.is_discarded() && j.is_object()) found = j;
  }
  if (!found)
    why = "pva-client printed no JSON (exit status " + std::to_string(out.exit_status) + ")";
  return found;
}

const nlohmann::json* find_pv(const nlohmann::json& report, const std::string& name) {
  if (!report.contains("pvs") || !report["pvs"].is_array()) return nullptr;
  for (const auto& pv : report["pvs"])
    if (pv.is_object() && pv.value("name", "") == name) return &pv;
  return nullptr;
}

std::string server_ip(const std::string& server) {
  auto colon = server.rfind(':');
  return colon == std::string::npos ? server : server.substr(0, colon);
}

}  // namespace

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "PASS";
    case Verdict::fail:
      return "FAIL";
    case Verdict::not_run:
      return "NOT RUN";
  }
  return "?";
}

static CheckResult failed(const Expectation& x, const std::string& why) {
  CheckResult r = base(x);
  r.verdict = Verdict::fail;
  r.measured = why;
  return r;
}

CheckResult not_run(const Expectation& x, const std::string& why) {
  CheckResult r = base(x);
  r.verdict = Verdict::not_run;
  r.measured = why;
  return r;
}

CheckResult check_discover(const Expectation& x, const ClientOutcome& out,
                           const std::vector<Ipv4>& server_addresses) {
  std::string why;
  auto report = parse_client_json(out, why);
  if (!report) return failed(x, why);
  CheckResult r = base(x);
  int found = 0, validated = 0;
  double slowest = 0;
  std::vector<std::string> problems;
  std::string first_server;
  std::vector<double> read_values;
  for (const auto& name : x.pvs) {
    const nlohmann::json* pv = find_pv(*report, name);
    if (!pv || !pv->value("found", false)) {
      problems.push_back(name + " not found");
      continue;
    }
    ++found;
    double secs = pv->value("seconds", 0.0);
    slowest = std::max(slowest, secs);
    std::string server = pv->value("server", "");
    if (first_server.empty()) first_server = server;
    if (pv->value("tcp_validated", false))
      ++validated;
    else
      problems.push_back(name + " found but TCP handshake not validated");
    if (secs > x.within) problems.push_back(name + " found after " + fmt(secs) + "s");
    if (x.pv_value) {
      // find, not operator[]: on a const json a missing key is undefined behaviour
      // (an assertion in debug builds), and "no value" is exactly the case to report.
      const auto value_field = pv->find("value");
      if (value_field == pv->end() || !value_field->is_number()) {
        problems.push_back(name + " read no value" +
                           (pv->contains("error") && (*pv)["error"].is_string()
                                ? ": " + (*pv)["error"].get<std::string>()
                                : std::string()));
      } else {
        read_values.push_back(value_field->get<double>());
        if (value_field->get<double>() != *x.pv_value)
          problems.push_back(name + " read " + fmt(value_field->get<double>()) + ", expected " +
                             fmt(*x.pv_value));
      }
    }
    if (!server_addresses.empty()) {
      auto ip = parse_ipv4(server_ip(server));
      bool ours = ip && std::find(server_addresses.begin(), server_addresses.end(), *ip) !=
                            server_addresses.end();
      if (!ours) problems.push_back(name + " answered by " + server + ", not by " + x.server);
    }
  }
  const auto total = static_cast<int>(x.pvs.size());
  r.figures = {{"found", found},
               {"requested", total},
               {"tcp_validated", validated},
               {"slowest_seconds", slowest},
               {"server", first_server},
               {"datagrams_sent", report->value("datagrams_sent", 0)},
               {"client_exit_status", out.exit_status},
               {"client_wall_seconds", out.wall_seconds}};
  if (report->contains("sent_payloads") && (*report)["sent_payloads"].is_array()) {
    std::size_t largest = 0;
    for (const auto& p : (*report)["sent_payloads"]) {
      if (p.is_number()) largest = std::max(largest, p.get<std::size_t>());
      if (p.is_string()) largest = std::max(largest, p.get<std::string>().size());
      if (p.is_object() && p.contains("bytes") && p["bytes"].is_number())
        largest = std::max(largest, p["bytes"].get<std::size_t>());
    }
    r.figures["largest_payload"] = largest;
  }
  if (x.min_datagram_bytes > 0) {
    std::size_t largest = r.figures.value("largest_payload", std::size_t{0});
    if (largest < static_cast<std::size_t>(x.min_datagram_bytes))
      problems.push_back("largest search datagram " + std::to_string(largest) +
                         " bytes, expected >= " + std::to_string(x.min_datagram_bytes));
  }
  if (x.pv_value) r.figures["values"] = read_values;
  std::ostringstream m;
  m << found << "/" << total << " found";
  if (found > 0)
    m << " in " << fmt(slowest) << "s via " << first_server << ", " << validated
      << " TCP-validated";
  if (!read_values.empty()) m << ", read " << fmt(read_values.front());
  if (r.figures.contains("largest_payload"))
    m << ", " << r.figures["datagrams_sent"].get<long>() << " search datagram(s), largest "
      << r.figures["largest_payload"].get<std::size_t>() << " bytes";
  if (!problems.empty())
    m << "; " << problems.front()
      << (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : "");
  r.measured = m.str();
  r.verdict = problems.empty() && found == total ? Verdict::pass : Verdict::fail;
  return r;
}

CheckResult check_no_discover(const Expectation& x, const ClientOutcome& out) {
  std::string why;
  auto report = parse_client_json(out, why);
  // Without the client's report we cannot tell "not found" from "never asked".
  if (!report) return failed(x, why);
  CheckResult r = base(x);
  int found = 0;
  std::string who;
  for (const auto& name : x.pvs) {
    const nlohmann::json* pv = find_pv(*report, name);
    if (pv && pv->value("found", false)) {
      ++found;
      if (who.empty())
        who = name + " from " + pv->value("server", "?") + " after " +
              fmt(pv->value("seconds", 0.0)) + "s";
    }
  }
  r.figures = {{"found", found},
               {"requested", static_cast<int>(x.pvs.size())},
               {"datagrams_sent", report->value("datagrams_sent", 0)},
               {"client_exit_status", out.exit_status},
               {"client_wall_seconds", out.wall_seconds}};
  int sent = report->value("datagrams_sent", 0);
  if (found == 0) {
    r.verdict = sent > 0 || !report->contains("datagrams_sent") ? Verdict::pass : Verdict::fail;
    r.measured = "0/" + std::to_string(x.pvs.size()) + " found in " + fmt(x.within) + "s (" +
                 std::to_string(sent) + " search datagrams sent)";
    if (r.verdict == Verdict::fail)
      r.measured += ": the client never searched, so this proves nothing";
  } else {
    r.verdict = Verdict::fail;
    r.measured = std::to_string(found) + " found: " + who;
  }
  return r;
}

CheckResult check_monitor(const Expectation& x, const ClientOutcome& out,
                          const std::vector<Ipv4>& server_addresses) {
  std::string why;
  auto report = parse_client_json(out, why);
  if (!report) return failed(x, why);
  CheckResult r = base(x);
  std::vector<std::string> problems;
  long fewest_updates = -1, fewest_reconnects = -1, fewest_live = -1;
  std::string last_server;
  std::optional<double> last_value;
  for (const auto& name : x.pvs) {
    const nlohmann::json* pv = find_pv(*report, name);
    if (!pv) {
      problems.push_back(name + " missing from the client's report");
      continue;
    }
    const long updates = pv->value("updates", 0L);
    const long reconnects = pv->value("reconnects", 0L);
    const long live = pv->value("updates_since_reconnect", 0L);
    auto fewest = [](long& f, long v) { f = f < 0 ? v : std::min(f, v); };
    fewest(fewest_updates, updates);
    fewest(fewest_reconnects, reconnects);
    fewest(fewest_live, live);
    if (pv->contains("value") && (*pv)["value"].is_number())
      last_value = (*pv)["value"].get<double>();
    if (updates < x.min_updates)
      problems.push_back(name + " got " + std::to_string(updates) + " updates");
    if (reconnects < x.min_reconnects)
      problems.push_back(name + " reconnected " + std::to_string(reconnects) + " times");
    if (live == 0) problems.push_back(name + " had no live monitor at the end");
    const auto server_field = pv->find("server");
    const std::string server = server_field != pv->end() && server_field->is_string()
                                   ? server_field->get<std::string>()
                                   : "";
    if (!server.empty()) last_server = server;
    if (!server_addresses.empty() && !server.empty()) {
      auto ip = parse_ipv4(server_ip(server));
      if (!ip || std::find(server_addresses.begin(), server_addresses.end(), *ip) ==
                     server_addresses.end())
        problems.push_back(name + " served by " + server + ", not by " + x.server);
    }
  }
  r.figures = {{"updates", std::max(fewest_updates, 0L)},
               {"reconnects", std::max(fewest_reconnects, 0L)},
               {"updates_since_reconnect", std::max(fewest_live, 0L)},
               {"server", last_server},
               {"client_exit_status", out.exit_status},
               {"client_wall_seconds", out.wall_seconds}};
  if (last_value) r.figures["value"] = *last_value;
  std::ostringstream m;
  m << std::max(fewest_updates, 0L) << " updates, " << std::max(fewest_reconnects, 0L)
    << " reconnects, " << std::max(fewest_live, 0L) << " since the last";
  if (!last_server.empty()) m << " via " << last_server;
  if (last_value) m << ", last value " << fmt(*last_value);
  if (!problems.empty())
    m << "; " << problems.front()
      << (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : "");
  r.measured = m.str();
  r.verdict = problems.empty() ? Verdict::pass : Verdict::fail;
  return r;
}

CheckResult check_max_copies(const Expectation& x, const CopyStats& s) {
  CheckResult r = base(x);
  r.figures = {{"max_copies", s.max_copies},
               {"datagrams", s.datagrams},
               {"frames", s.frames},
               {"worst", s.worst}};
  std::ostringstream m;
  m << "max " << s.max_copies << " copies of one datagram (" << s.datagrams << " distinct, "
    << s.frames << " frames)";
  if (!s.worst.empty()) m << ", worst " << s.worst;
  if (s.datagrams < x.min_datagrams) {
    r.verdict = Verdict::fail;
    m << "; fewer than " << x.min_datagrams << " datagrams seen, so the bound proves nothing";
  } else {
    r.verdict = s.max_copies <= x.max_copies ? Verdict::pass : Verdict::fail;
  }
  r.measured = m.str();
  return r;
}

std::optional<double> counter_value(const nlohmann::json& stats, const std::string& dotted_path) {
  const nlohmann::json* node = &stats;
  std::size_t start = 0;
  while (start <= dotted_path.size()) {
    auto dot = dotted_path.find('.', start);
    std::string key =
        dotted_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(key)) return std::nullopt;
    node = &(*node)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (node->is_number()) return node->get<double>();
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (node->is_array()) return static_cast<double>(node->size());
  return std::nullopt;
}

bool compare(double a, const std::string& op, double b) {
  if (op == ">=") return a >= b;
  if (op == "<=") return a <= b;
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == ">") return a > b;
  if (op == "<") return a < b;
  return false;
}

CheckResult check_counter(const Expectation& x, const std::optional<nlohmann::json>& stats,
                          const std::string& read_error) {
  if (!stats) return failed(x, read_error);
  CheckResult r = base(x);
  auto v = counter_value(*stats, x.counter);
  // A counter a relay has not needed yet may be absent from "dropped": read it as 0
  // for dropped.* only, where absence means "never happened".
  if (!v && x.counter.rfind("dropped.", 0) == 0 && stats->contains("dropped")) v = 0;
  if (!v) return failed(x, "no numeric '" + x.counter + "' in the stats JSON");
  r.figures = {{"value", *v}};
  r.measured = x.counter + " = " + fmt(*v);
  r.verdict = compare(*v, x.op, x.value) ? Verdict::pass : Verdict::fail;
  return r;
}

namespace {

std::optional<nlohmann::json> last_json_line(const std::string& text) {
  std::optional<nlohmann::json> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) found = j;
  }
  return found;
}

}  // namespace

namespace {
void flatten_numbers(const nlohmann::json& j, const std::string& prefix,
                     std::map<std::string, double>& out) {
  if (j.is_number()) out[prefix] = j.get<double>();
  if (!j.is_object()) return;
  for (const auto& [key, value] : j.items())
    flatten_numbers(value, prefix.empty() ? key : prefix + "." + key, out);
}
}  // namespace

nlohmann::json counter_deltas(const nlohmann::json& before, const nlohmann::json& after) {
  std::map<std::string, double> a, b;
  flatten_numbers(before, "", b);
  flatten_numbers(after, "", a);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : a) out[key] = value - (b.count(key) ? b.at(key) : 0.0);
  return out;
}

namespace {
// "198.18.1.10:40000" -> {"198.18.1.10", "40000"}; "[2001:db8::10]:40000" ->
// {"2001:db8::10", "40000"}, the address in canonical text so it compares as text.
std::pair<std::string, std::string> split_source(const std::string& source) {
  auto colon = source.rfind(':');
  if (colon == std::string::npos) return {source, ""};
  std::string host = source.substr(0, colon), port = source.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (auto a = parse_ipv6(host)) host = to_string(*a);
  }
  return {host, port};
}
}  // namespace

CheckResult check_deliver(const Expectation& x, const DeliveryOutcome& out,
                          const std::vector<std::string>& sender_addresses) {
  if (!out.error.empty()) return failed(x, out.error);
  auto recv = last_json_line(out.recv_stdout);
  auto sent = last_json_line(out.send_stdout);
  if (!recv)
    return failed(x,
                  "udp-recv printed no JSON (exit status " + std::to_string(out.recv_exit) + ")");
  if (!sent)
    return failed(x,
                  "udp-send printed no JSON (exit status " + std::to_string(out.send_exit) + ")");
  const Delivery& d = x.deliver;
  CheckResult r = base(x);
  const long delivered = recv->value("distinct", 0L);
  const long duplicates = recv->value("duplicates", 0L);
  const long corrupt = recv->value("corrupt", 0L);
  const long need = d.min_delivered >= 0 ? d.min_delivered : d.max_delivered >= 0 ? 0 : d.count;
  const int source_port = sent->value("source_port", 0);
  std::vector<std::string> problems;
  if (delivered < need)
    problems.push_back(std::to_string(d.count - delivered) + " lost (" +
                       recv->value("lost_ranges", std::string{}) + ")");
  if (corrupt > 0) problems.push_back(std::to_string(corrupt) + " corrupt");
  if (d.max_delivered >= 0 && delivered > d.max_delivered)
    problems.push_back(std::to_string(delivered) +
                       " delivered, expected <= " + std::to_string(d.max_delivered));
  // A negative control whose sender did not send proves nothing.
  if (d.max_delivered >= 0 && sent->value("sent", 0L) < d.count)
    problems.push_back("udp-send sent only " + std::to_string(sent->value("sent", 0L)));
  const nlohmann::json no_ttl;
  const nlohmann::json ttl_min = recv->value("ttl_min", no_ttl);
  const nlohmann::json ttl_max = recv->value("ttl_max", no_ttl);
  if (d.ttl >= 0 && delivered > 0 &&
      (!ttl_min.is_number() || ttl_min.get<long>() != d.ttl || ttl_max.get<long>() != d.ttl))
    problems.push_back("arrived with TTL/hop limit " + ttl_min.dump() + ".." + ttl_max.dump() +
                       ", expected " + std::to_string(d.ttl));
  if (duplicates > d.max_duplicates)
    problems.push_back(std::to_string(duplicates) +
                       " duplicates, expected <= " + std::to_string(d.max_duplicates));
  std::string first_source;
  if (recv->contains("sources") && (*recv)["sources"].is_object())
    for (const auto& [source, n] : (*recv)["sources"].items()) {
      if (first_source.empty()) first_source = source;
      if (!d.keep_source) continue;
      const auto [ip, port] = split_source(source);
      bool from_sender =
          std::find(sender_addresses.begin(), sender_addresses.end(), ip) != sender_addresses.end();
      bool same_port = port == std::to_string(source_port);
      if (!from_sender || !same_port)
        problems.push_back(std::to_string(n.get<long>()) + " from " + source + ", not from " +
                           d.from + " port " + std::to_string(source_port));
    }
  const nlohmann::json latency = recv->value("latency_us", nlohmann::json::object());
  r.figures = {{"delivered", delivered},
               {"count", d.count},
               {"sent", sent->value("sent", 0L)},
               {"send_errors", sent->value("send_errors", 0L)},
               {"lost", d.count - delivered},
               {"lost_ranges", recv->value("lost_ranges", std::string{})},
               {"duplicates", duplicates},
               {"corrupt", corrupt},
               {"foreign", recv->value("foreign", 0L)},
               {"receiver_socket_drops", recv->value("socket_drops", 0L)},
               {"sources", recv->value("sources", nlohmann::json::object())},
               {"ttl_min", ttl_min},
               {"ttl_max", ttl_max},
               {"latency_us", latency},
               {"send_seconds", sent->value("elapsed_seconds", 0.0)},
               {"achieved_rate", sent->value("achieved_rate", 0.0)},
               {"recv_exit_status", out.recv_exit},
               {"send_exit_status", out.send_exit},
               {"wall_seconds", out.wall_seconds}};
  if (!out.cpu_seconds.empty()) r.figures["cpu_seconds"] = out.cpu_seconds;
  if (!out.counters.empty()) r.figures["counters"] = out.counters;
  std::ostringstream m;
  m << delivered << "/" << d.count << " delivered";
  if (corrupt == 0 && delivered > 0) m << " intact";
  if (!first_source.empty()) m << " from " << first_source;
  m << ", " << duplicates << " duplicate(s)";
  if (latency.value("samples", 0) > 0)
    m << ", latency p50 " << fmt(latency.value("p50", 0.0)) << " us p99 "
      << fmt(latency.value("p99", 0.0)) << " us";
  if (sent->value("sent", 0L) < d.count)
    m << "; udp-send sent only " << sent->value("sent", 0L) << " ("
      << sent->value("first_error", std::string{}) << ")";
  if (!problems.empty())
    m << "; " << problems.front()
      << (problems.size() > 1 ? " (+" + std::to_string(problems.size() - 1) + " more)" : "");
  r.measured = m.str();
  r.verdict = problems.empty() ? Verdict::pass : Verdict::fail;
  return r;
}

CheckResult check_log(const Expectation& x, const std::string& log_text) {
  CheckResult r = base(x);
  std::size_t count = 0;
  for (std::size_t pos = log_text.find(x.text); pos != std::string::npos && !x.text.empty();
       pos = log_text.find(x.text, pos + x.text.size()))
    ++count;
  r.figures = {{"occurrences", count}, {"log_bytes", log_text.size()}};
  r.measured = std::to_string(count) + " occurrence(s) in " + std::to_string(log_text.size()) +
               " bytes of log";
  r.verdict = count > 0 ? Verdict::pass : Verdict::fail;
  return r;
}

CheckResult check_peer_state(const Expectation& x, const std::string& peer_address,
                             const std::optional<nlohmann::json>& stats,
                             const std::string& read_error) {
  if (!stats) return failed(x, read_error);
  if (!stats->contains("peer_health") || !(*stats)["peer_health"].is_object())
    return failed(x, "no peer_health in the stats JSON (a snowsignal without peer health?)");
  const nlohmann::json& health = (*stats)["peer_health"];
  if (!health.contains(peer_address) || !health[peer_address].is_object()) {
    std::string known;
    for (auto it = health.begin(); it != health.end(); ++it)
      known += (known.empty() ? "" : ", ") + it.key();
    return failed(x, peer_address + " is not a peer of " + x.process +
                         " (its peers: " + (known.empty() ? "none" : known) + ")");
  }
  const nlohmann::json& peer = health[peer_address];
  CheckResult r = base(x);
  const std::string state = peer.value("state", "?");
  const std::string reason = peer.value("reason", "");
  const double in_state = peer.value("seconds_in_state", 0.0);
  r.figures = {{"peer", peer_address}, {"state", state}, {"seconds_in_state", in_state}};
  if (!reason.empty()) r.figures["reason"] = reason;
  r.measured = peer_address + " " + state + " for " + fmt(in_state) + "s" +
               (reason.empty() ? "" : " (" + reason + ")");
  r.verdict = state == x.peer_state ? Verdict::pass : Verdict::fail;
  return r;
}

}  // namespace netsim
