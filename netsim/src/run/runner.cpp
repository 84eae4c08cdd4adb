#include "netsim/runner.h"

#include <netinet/in.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "netsim/fault_injector.h"
#include "netsim/namespaces.h"
#include "netsim/segment_capture.h"
#include "netsim/substitution.h"
#include "netsim/supervisor.h"
#include "netsim/swarm_runtime.h"
#include "netsim/topology.h"
#include "udp/address_guard.h"

namespace netsim {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(20);
constexpr double kClientGrace = 10;   // seconds past `within` before a client is killed
constexpr double kStatsWait = 3;      // seconds to wait for a stats file after SIGUSR1
constexpr double kReceiverReady = 5;  // seconds for udp-recv to bind and say so
// How often a polled peer_state asks for fresh stats (each read is a SIGUSR1, which
// snowsignal answers with one counters line in its log).
constexpr auto kPeerStatePoll = std::chrono::milliseconds(250);

std::string fmt(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

unsigned long inode_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<unsigned long>(st.st_ino) : 0;
}

struct StatsRead {
  std::optional<nlohmann::json> json;
  std::string error;
};

struct FileStamp {
  long long mtime_ns = -1;
  long long size = -1;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return {};
  return {st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
          static_cast<long long>(st.st_size)};
}

// Asks a running process for fresh stats (SIGUSR1) and reads its stats file.
StatsRead read_stats(Supervisor& sup, const std::string& process, const std::string& path) {
  StatsRead out;
  FileStamp before = stamp(path);
  // Only ask a process that handles SIGUSR1: its default action is to terminate.
  bool asked = sup.state(process).running && handles_signal(sup.state(process).pid, SIGUSR1);
  if (asked) sup.signal(process, SIGUSR1);
  auto deadline = Clock::now() + std::chrono::duration<double>(kStatsWait);
  for (;;) {
    sup.reap();
    FileStamp now = stamp(path);
    bool fresh = !asked || (now.size > 0 && !(now == before));
    if (fresh) {
      auto j = nlohmann::json::parse(read_file(path), nullptr, false);
      if (!j.is_discarded()) {
        out.json = j;
        return out;
      }
    }
    if (!asked || Clock::now() > deadline) break;
    std::this_thread::sleep_for(kTick);
  }
  // No fresh write: fall back to what is there, saying so.
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    out.json = j;
    return out;
  }
  out.error = "no readable stats JSON at " + path + (asked ? " after SIGUSR1" : "") +
              " (does the command pass --stats-file ${stats}?)";
  return out;
}

// User + system CPU seconds a process has used so far (/proc/PID/stat fields 14 and 15),
// or -1 when it cannot be read.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may contain blanks and parentheses
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A scheduled thing: a fault, or the start of a timed check.
struct AgendaItem {
  double at = 0;
  const FaultEvent* fault = nullptr;
  std::size_t check = 0;  // index into expectations when fault == nullptr
  bool done = false;
};

struct RunningClient {
  std::size_t check;
  pid_t pid;
  Clock::time_point started;
  std::string stdout_path;
};

struct RunningDelivery {
  std::size_t check = 0;
  pid_t recv_pid = -1, send_pid = -1;
  Clock::time_point started;
  std::string base;  // LOGS/checkN-deliver
  std::map<std::string, double> cpu_before;
  std::map<std::string, double> cpu_seconds;  // filled when the receiver is done
  std::map<std::string, nlohmann::json> stats_before;
  nlohmann::json counters = nlohmann::json::object();  // filled when the receiver is done
  std::optional<int> recv_exit, send_exit;
};

// A peer_state with `within`: read until the state shows or the time is up.
struct PeerStatePoll {
  std::size_t check;
  Clock::time_point started;
  Clock::time_point next;
  std::string peer;                 // the address, variables substituted
  std::vector<std::string> states;  // distinct states seen, in order, for the report
};

class Run {
 public:
  Run(const Scenario& sc, const RunOptions& opt, const std::atomic<bool>& interrupted)
      : sc_(sc),
        opt_(opt),
        interrupted_(interrupted),
        topo_(sc_),
        sup_(sc_, topo_, opt.logs_dir, BinaryResolver(opt.bin_dir)),
        swarm_(sc_, topo_, sup_, opt.logs_dir),
        faults_(sc_, topo_, sup_, swarm_, opt.logs_dir) {
    report_.scenario = sc.name;
    report_.file = sc.file;
    report_.logs_dir = opt.logs_dir;
    report_.capture_dir = opt.capture_dir;
    results_.resize(sc.expectations.size());
  }

  Report execute() {
    try {
      setup();
      if (report_.error.empty() && !interrupted_) timeline();
      if (report_.error.empty() && !interrupted_) settle_and_check();
    } catch (const std::exception& e) {
      report_.error = e.what();
      spdlog::error("{}", e.what());
    }
    report_.interrupted = interrupted_.load();
    report_.elapsed = started_ ? seconds() : 0;
    teardown();
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (!results_[i]) {
        std::string why = report_.interrupted ? "interrupted before it was measured"
                          : !report_.error.empty()
                              ? "setup failed: " + report_.error
                              : "the run ended (duration " + fmt(sc_.duration) + "s) first";
        results_[i] = not_run(sc_.expectations[i], why);
      }
      report_.results.push_back(*results_[i]);
    }
    return report_;
  }

 private:
  // The run's own copy: a rescheduled task's node and addresses change in it.
  Scenario sc_;
  const RunOptions& opt_;
  const std::atomic<bool>& interrupted_;
  Topology topo_;
  Supervisor sup_;
  SwarmRuntime swarm_;
  FaultInjector faults_;
  std::map<std::string, std::unique_ptr<SegmentCapture>> captures_;
  std::vector<std::optional<CheckResult>> results_;
  std::vector<RunningClient> clients_;
  std::vector<RunningDelivery> deliveries_;
  std::deque<std::size_t> queued_deliveries_;  // after_previous checks waiting their turn
  std::vector<PeerStatePoll> polls_;
  Report report_;
  Clock::time_point t0_;
  bool started_ = false;

  double seconds() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }

  void setup() {
    report_.world_netns = inode_of("/proc/self/ns/net");
    spdlog::info("building {} segment(s), {} host(s) and router(s)", sc_.segments.size(),
                 sc_.hosts.size());
    topo_.build();
    for (const auto& h : sc_.hosts) report_.host_netns[h.name] = topo_.netns_inode(h.name);
    // One capture per segment bridge, and per overlay one per node ("OVERLAY.NODE"):
    // an overlay is a bridge on every node.
    std::vector<std::pair<std::string, std::string>> watched;  // capture name, bridge
    for (const auto& seg : sc_.segments) {
      if (!seg.overlay) {
        watched.emplace_back(seg.name, topo_.bridge(seg.name));
        continue;
      }
      for (const Host* node : sc_.swarm_nodes())
        watched.emplace_back(seg.name + "." + node->name,
                             topo_.overlay_bridge(seg.name, node->name));
    }
    // Without --capture only the captures a max_copies check reads are opened: each is
    // a packet ring and a thread, 80 ms for 48 segments that nobody would read.
    std::set<std::string> counted;
    for (const auto& x : sc_.expectations)
      if (x.kind == ExpectKind::max_copies)
        counted.insert(x.node.empty() ? x.segment : x.segment + "." + x.node);
    for (const auto& [name, bridge] : watched) {
      if (opt_.capture_dir.empty() && !counted.count(name)) continue;
      std::string pcap = opt_.capture_dir.empty() ? "" : opt_.capture_dir + "/" + name + ".pcap";
      auto cap = std::make_unique<SegmentCapture>(bridge, opt_.search_port, pcap);
      cap->start();
      captures_[name] = std::move(cap);
    }
    std::string names;
    for (const auto& [name, cap] : captures_) names += (names.empty() ? "" : ", ") + name;
    spdlog::info("capturing on {} of {} segment bridge(s){}{}", captures_.size(), watched.size(),
                 names.empty() ? "" : ": ", names);
    swarm_.install();
    // One at a time, in declaration order, each waited for: servers and relays are up
    // before the processes declared after them start.
    for (const auto& p : sc_.processes) {
      sup_.start(p.name);
      std::string why;
      if (!sup_.wait_ready(p.name, interrupted_, why)) {
        if (!interrupted_)
          report_.error = "setup: " + why + " (log: " + sup_.log_file(p.name) + ")";
        return;
      }
    }
    t0_ = Clock::now();
    started_ = true;
    spdlog::info("all processes ready; timeline started (duration {}s)", sc_.duration);
  }

  std::vector<AgendaItem> agenda() const {
    std::vector<AgendaItem> items;
    for (const auto& f : sc_.timeline) items.push_back(AgendaItem{f.at, &f, 0, false});
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
      const auto& x = sc_.expectations[i];
      if (x.at) items.push_back(AgendaItem{*x.at, nullptr, i, false});
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const AgendaItem& a, const AgendaItem& b) { return a.at < b.at; });
    return items;
  }

  void timeline() {
    auto items = agenda();
    std::size_t next = 0;
    while (!interrupted_) {
      sup_.reap();
      double now = seconds();
      if (now > sc_.duration) {
        spdlog::warn("duration {}s reached", sc_.duration);
        break;
      }
      swarm_.refresh();  // a task whose main process ended leaves tasks.<service>
      while (next < items.size() && items[next].at <= now && !interrupted_) fire(items[next++]);
      collect_clients();
      collect_deliveries();
      collect_polls();
      if (next == items.size() && clients_.empty() && deliveries_.empty() &&
          queued_deliveries_.empty() && polls_.empty())
        break;
      std::this_thread::sleep_for(kTick);
    }
    // Clients cut short by the duration or an interrupt are killed by stop_all().
  }

  void fire(AgendaItem& item) {
    if (item.fault) {
      TimelineEntry entry{item.at, seconds(), describe(*item.fault), true, ""};
      try {
        entry.detail = faults_.apply(*item.fault, interrupted_);
        spdlog::info("t={:.2f}s {}: {}", entry.actual, entry.what, entry.detail);
      } catch (const std::exception& e) {
        entry.ok = false;
        entry.detail = e.what();
        spdlog::error("t={:.2f}s {} failed: {}", entry.actual, entry.what, e.what());
      }
      report_.events.push_back(entry);
      return;
    }
    const Expectation& x = sc_.expectations[item.check];
    if (runs_pva_client(x.kind)) {
      start_client(item.check);
    } else if (x.kind == ExpectKind::deliver) {
      if (x.deliver.after_previous && (!deliveries_.empty() || !queued_deliveries_.empty()))
        queued_deliveries_.push_back(item.check);
      else
        start_delivery(item.check);
    } else if (x.kind == ExpectKind::peer_state && x.poll) {
      polls_.push_back(PeerStatePoll{item.check, Clock::now(), Clock::now(), peer_address(x), {}});
    } else {
      results_[item.check] = evaluate_now(x);
    }
  }

  void start_client(std::size_t index) {
    const Expectation& x = sc_.expectations[index];
    auto vars = run_variables(sc_, opt_.logs_dir, "");
    std::vector<std::string> argv{"pva-client", "--timeout", fmt(x.within)};
    for (const auto& a : x.client_args) argv.push_back(substitute(a, vars));
    if (x.pv_value) argv.push_back("--get");
    if (x.kind == ExpectKind::monitor) argv.push_back("--monitor");
    argv.push_back("--json");
    for (const auto& pv : x.pvs) argv.push_back(pv);
    std::string base = opt_.logs_dir + "/check" + std::to_string(index + 1) + "-" +
                       to_string(x.kind) + "-pva-client";
    try {
      pid_t pid = sup_.run_oneshot(x.client, argv, base + ".json", base + ".log");
      clients_.push_back(RunningClient{index, pid, Clock::now(), base + ".json"});
      spdlog::info("t={:.2f}s check {}: pva-client on {} (pid {})", seconds(), index + 1, x.client,
                   pid);
    } catch (const std::exception& e) {
      ClientOutcome out;
      out.error = e.what();
      results_[index] = finish_client(x, out);
    }
  }

  CheckResult finish_client(const Expectation& x, const ClientOutcome& out) {
    if (x.kind == ExpectKind::no_discover) return check_no_discover(x, out);
    std::vector<Ipv4> server;
    if (!x.server.empty())
      for (const auto& l : sc_.find_host(x.server)->links)
        if (l.ipv4) server.push_back(l.address);
    if (x.kind == ExpectKind::monitor) return check_monitor(x, out, server);
    return check_discover(x, out, server);
  }

  void collect_clients() {
    for (auto it = clients_.begin(); it != clients_.end();) {
      const Expectation& x = sc_.expectations[it->check];
      auto status = sup_.oneshot_status(it->pid);
      double age = std::chrono::duration<double>(Clock::now() - it->started).count();
      if (!status) {
        if (age > x.within + kClientGrace) kill(it->pid, SIGKILL);
        ++it;
        continue;
      }
      ClientOutcome out;
      out.exit_status = *status;
      out.stdout_text = read_file(it->stdout_path);
      out.wall_seconds = age;
      results_[it->check] = finish_client(x, out);
      spdlog::info("t={:.2f}s check {}: {} {}", seconds(), it->check + 1,
                   to_string(results_[it->check]->verdict), results_[it->check]->measured);
      it = clients_.erase(it);
    }
  }

  std::map<std::string, double> cpu_now(const std::vector<std::string>& processes) {
    std::map<std::string, double> out;
    for (const auto& p : processes)
      out[p] = sup_.state(p).running ? cpu_seconds(sup_.state(p).pid) : -1;
    return out;
  }

  std::map<std::string, nlohmann::json> stats_now(const std::vector<std::string>& processes) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& p : processes) {
      auto s = read_stats(sup_, p, stats_path(opt_.logs_dir, p));
      out[p] = s.json ? *s.json : nlohmann::json::object();
    }
    return out;
  }

  // udp-recv first, and only once it says it is bound, udp-send: nothing sent is missed.
  void start_delivery(std::size_t index) {
    const Expectation& x = sc_.expectations[index];
    const Delivery& d = x.deliver;
    auto vars = run_variables(sc_, opt_.logs_dir, "");
    RunningDelivery run;
    run.check = index;
    run.base = opt_.logs_dir + "/check" + std::to_string(index + 1) + "-deliver";
    std::vector<std::string> recv{"udp-recv",
                                  "--port",
                                  std::to_string(d.port),
                                  "--count",
                                  std::to_string(d.count),
                                  "--timeout",
                                  fmt(x.within),
                                  "--idle",
                                  fmt(d.idle),
                                  "--linger",
                                  fmt(d.linger)};
    if (!d.group.empty()) recv.insert(recv.end(), {"--group", d.group});
    // An IPv6 destination needs an IPv6 socket on the receiver ([::]:PORT).
    else if (udp::parse_endpoint(substitute(d.to, vars)).endpoint.family() == AF_INET6)
      recv.push_back("--ipv6");
    for (const auto& a : d.recv_args) recv.push_back(substitute(a, vars));
    std::vector<std::string> send{
        "udp-send",   substitute(d.to, vars), "--count", std::to_string(d.count),
        "--size",     std::to_string(d.size), "--rate",  fmt(d.rate),
        "--duration", fmt(x.within)};
    for (const auto& a : d.send_args) send.push_back(substitute(a, vars));
    DeliveryOutcome failed_outcome;
    try {
      run.recv_pid = sup_.run_oneshot(d.receiver, recv, run.base + "-udp-recv.json",
                                      run.base + "-udp-recv.log");
      std::string why = wait_receiver(run.recv_pid, run.base + "-udp-recv.log");
      if (!why.empty()) throw std::runtime_error(why);
      run.stats_before = stats_now(d.counters);
      run.cpu_before = cpu_now(d.cpu);
      run.started = Clock::now();
      run.send_pid =
          sup_.run_oneshot(d.from, send, run.base + "-udp-send.json", run.base + "-udp-send.log");
      spdlog::info("t={:.2f}s check {}: udp-recv on {} (pid {}), udp-send on {} (pid {})",
                   seconds(), index + 1, d.receiver, run.recv_pid, d.from, run.send_pid);
      deliveries_.push_back(run);
    } catch (const std::exception& e) {
      if (run.recv_pid > 0) kill(run.recv_pid, SIGKILL);
      failed_outcome.error = e.what();
      results_[index] = check_deliver(x, failed_outcome, {});
    }
  }

  std::string wait_receiver(pid_t pid, const std::string& log) {
    auto deadline = Clock::now() + std::chrono::duration<double>(kReceiverReady);
    while (Clock::now() < deadline && !interrupted_) {
      sup_.reap();
      if (read_file(log).find("udp-recv ready:") != std::string::npos) return {};
      if (sup_.oneshot_status(pid)) return "udp-recv exited before it was ready: " + read_file(log);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return "udp-recv did not say it was ready within " + fmt(kReceiverReady) + "s (log: " + log +
           ")";
  }

  void collect_deliveries() {
    for (auto it = deliveries_.begin(); it != deliveries_.end();) {
      const Expectation& x = sc_.expectations[it->check];
      double age = std::chrono::duration<double>(Clock::now() - it->started).count();
      if (!it->recv_exit && (it->recv_exit = sup_.oneshot_status(it->recv_pid))) {
        it->cpu_seconds = cpu_now(x.deliver.cpu);
        for (const auto& [p, after] : stats_now(x.deliver.counters))
          it->counters[p] = counter_deltas(it->stats_before[p], after);
      }
      if (!it->send_exit) it->send_exit = sup_.oneshot_status(it->send_pid);
      if (!it->recv_exit || !it->send_exit) {
        // Both bound themselves by `within`; this is only the backstop.
        if (age > x.within + kClientGrace) {
          if (!it->recv_exit) kill(it->recv_pid, SIGKILL);
          if (!it->send_exit) kill(it->send_pid, SIGKILL);
        }
        ++it;
        continue;
      }
      DeliveryOutcome out;
      out.recv_exit = *it->recv_exit;
      out.send_exit = *it->send_exit;
      out.recv_stdout = read_file(it->base + "-udp-recv.json");
      out.send_stdout = read_file(it->base + "-udp-send.json");
      out.wall_seconds = age;
      out.counters = it->counters;
      for (const auto& [p, after] : it->cpu_seconds) {
        double before = it->cpu_before.count(p) ? it->cpu_before.at(p) : -1;
        if (before >= 0 && after >= 0) out.cpu_seconds[p] = after - before;
      }
      std::vector<std::string> sender;
      for (const auto& l : sc_.find_host(x.deliver.from)->links) {
        if (l.ipv4) sender.push_back(to_string(l.address));
        if (l.address6) sender.push_back(to_string(*l.address6));
      }
      results_[it->check] = check_deliver(x, out, sender);
      spdlog::info("t={:.2f}s check {}: {} {}", seconds(), it->check + 1,
                   to_string(results_[it->check]->verdict), results_[it->check]->measured);
      it = deliveries_.erase(it);
    }
    if (deliveries_.empty() && !queued_deliveries_.empty()) {
      const std::size_t next = queued_deliveries_.front();
      queued_deliveries_.pop_front();
      start_delivery(next);
    }
  }

  std::string peer_address(const Expectation& x) const {
    return substitute(x.peer, run_variables(sc_, opt_.logs_dir, ""));
  }

  void collect_polls() {
    for (auto it = polls_.begin(); it != polls_.end();) {
      if (Clock::now() < it->next) {
        ++it;
        continue;
      }
      const Expectation& x = sc_.expectations[it->check];
      auto stats = read_stats(sup_, x.process, stats_path(opt_.logs_dir, x.process));
      CheckResult r = check_peer_state(x, it->peer, stats.json, stats.error);
      const std::string state = r.figures.value("state", "");
      if (!state.empty() && (it->states.empty() || it->states.back() != state))
        it->states.push_back(state);
      const double waited = std::chrono::duration<double>(Clock::now() - it->started).count();
      const bool done = r.verdict == Verdict::pass || waited >= x.within;
      if (!done) {
        it->next = Clock::now() + kPeerStatePoll;
        ++it;
        continue;
      }
      std::string seen;
      for (const auto& s : it->states) seen += (seen.empty() ? "" : " -> ") + s;
      r.figures["seconds_waited"] = waited;
      r.figures["states_seen"] = it->states;
      r.measured = (r.verdict == Verdict::pass ? "after " + fmt(waited) + "s: "
                                               : "not within " + fmt(x.within) + "s: ") +
                   r.measured + (seen.empty() ? "" : "; states seen: " + seen);
      spdlog::info("t={:.2f}s check {}: {} {}", seconds(), it->check + 1, to_string(r.verdict),
                   r.measured);
      results_[it->check] = r;
      it = polls_.erase(it);
    }
  }

  CheckResult evaluate_now(const Expectation& x) {
    switch (x.kind) {
      case ExpectKind::counter: {
        auto s = read_stats(sup_, x.process, stats_path(opt_.logs_dir, x.process));
        return check_counter(x, s.json, s.error);
      }
      case ExpectKind::log:
        return check_log(x, read_file(sup_.log_file(x.process)));
      case ExpectKind::peer_state: {
        auto s = read_stats(sup_, x.process, stats_path(opt_.logs_dir, x.process));
        return check_peer_state(x, peer_address(x), s.json, s.error);
      }
      case ExpectKind::max_copies:
        return check_max_copies(
            x, captures_.at(x.node.empty() ? x.segment : x.segment + "." + x.node)->stats());
      default:
        return not_run(x, "not a point-in-time check");
    }
  }

  // Keeps the captures open a little longer so late copies are counted, then judges
  // the end-of-run checks while every process is still up.
  // Nothing to judge at the end (a topology-only run, or timed checks only): the settle
  // would be waiting for nobody.
  void settle_and_check() {
    std::vector<std::size_t> end_checks;
    for (std::size_t i = 0; i < sc_.expectations.size(); ++i) {
      const auto& x = sc_.expectations[i];
      if (!results_[i] && !x.at && !runs_pva_client(x.kind) && x.kind != ExpectKind::deliver)
        end_checks.push_back(i);
    }
    if (end_checks.empty()) return;
    auto until = Clock::now() + std::chrono::duration<double>(sc_.settle);
    while (Clock::now() < until && !interrupted_) {
      sup_.reap();
      std::this_thread::sleep_for(kTick);
    }
    if (interrupted_) return;
    for (std::size_t i : end_checks) results_[i] = evaluate_now(sc_.expectations[i]);
  }

  void teardown() {
    report_.processes_started = sup_.processes_started();
    report_.processes_stopped = sup_.stop_all();
    for (auto& [name, cap] : captures_) cap->request_stop();
    for (auto& [name, cap] : captures_) cap->stop();
    report_.teardown = topo_.teardown();
    sup_.reap();
    spdlog::info("torn down: {} process(es) stopped, {} link(s) deleted, {} namespace(s) released",
                 report_.processes_stopped, report_.teardown.links_deleted,
                 report_.teardown.anchors_stopped);
  }
};

}  // namespace

Report run_scenario(const Scenario& scenario, const RunOptions& options,
                    const std::atomic<bool>& interrupted) {
  Run run(scenario, options, interrupted);
  return run.execute();
}

}  // namespace netsim
