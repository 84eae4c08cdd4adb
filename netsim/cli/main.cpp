// netsim: build a network of namespaces from a scenario file, run processes in it,
// inject faults, check expectations, tear everything down. See netsim/README.md.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>

#include "netsim/private_world.h"
#include "netsim/runner.h"
#include "netsim/scenario_loader.h"
#include "netsim/substitution.h"
#include "netsim/supervisor.h"
#include "netsim/swarm.h"
#include "netsim/topology_bench.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_interrupted{false};

void on_signal(int) {
  g_interrupted = true;
}

const char* kDescription = R"(netsim: a network emulator for snowsignal, made of Linux namespaces.

A scenario file (YAML) declares segments (bridges), hosts and routers (network
namespaces joined to segments by veth pairs), processes to run on hosts, a timeline
of faults and the expectations to check. Addresses come only from 198.18.0.0/15.

  netsim check fixtures/scenarios/two-segments.yaml     validate, print the plan
  netsim run   fixtures/scenarios/two-segments.yaml     build, run, check, tear down
  netsim run S.yaml --logs out/ --capture pcaps/ --json

Each run lives in private user (when not root), network, mount and pid namespaces
whose PID 1 is netsim itself: when it ends, for any reason, the kernel removes every
process, namespace and link it made. Works as root and unprivileged.

Exit status: 0 all expectations passed, 1 one failed (or setup failed),
2 bad scenario or usage, 130 interrupted (SIGINT/SIGTERM; torn down first).
Format reference: netsim/README.md.)";

const char* kFooter = R"(
A minimal scenario (client on a finds a PV served on b through two relays):

  name: demo
  duration: 20                       # every run ends by itself
  segments: [a, b]                   # 198.18.1.0/24, 198.18.2.0/24
  routers:
    - {name: r, segments: [a, b]}    # .1 on each, ip_forward=1
  hosts:
    - name: relay-a
      segments: [a]
      processes:
        - command: [snowsignal, -t, eth0, --other-relays, "${relay-b}", --stats-file, "${stats}"]
          ready: "relay ready:"      # wait for this log text
    - name: relay-b
      segments: [b]
      processes:
        - command: [snowsignal, -t, eth0, --other-relays, "${relay-a}", --stats-file, "${stats}"]
          ready: "relay ready:"
    - name: ioc
      segments: [b]
      processes:
        - {command: [pva-server, --pv, "X:Y"], ready: "pva-server ready:"}
    - {name: desk, segments: [a]}
  timeline:                          # kill restart link_down link_up loss partition heal
    - {at: 5, kill: relay-b}
  expect:                            # discover no_discover max_copies counter log deliver
    - {discover: "X:Y", from: ioc, client: desk, at: 0, within: 3}
    - {no_discover: "X:Y", client: desk, at: 6, within: 3}
    - {max_copies: 1, segment: b}
    - {counter: forwarded, process: relay-a, op: ">=", value: 1}
    - {deliver: 100, from: desk, to: "198.18.1.255:5076", receiver: ioc, size: 1337})";

bool make_dir(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      partial = path.substr(0, i);
      if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
  }
  return true;
}

std::string fresh_logs_dir(const std::string& scenario_name) {
  const char* tmp = getenv("TMPDIR");
  std::string templ =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/netsim-" + scenario_name + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    throw std::runtime_error("cannot create a logs directory: " + std::string(strerror(errno)));
  return buf.data();
}

std::string absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return path;
  return std::string(cwd) + "/" + path;
}

// Where each program would come from; a missing one is a note, not an error, since
// check validates the file and builds are separate.
void print_programs(const netsim::Scenario& sc, const netsim::BinaryResolver& bins) {
  std::set<std::string> names;
  for (const auto& p : sc.processes) names.insert(p.command.front());
  for (const auto& x : sc.expectations)
    if (netsim::runs_pva_client(x.kind))
      names.insert("pva-client");
    else if (x.kind == netsim::ExpectKind::deliver)
      names.insert({"udp-send", "udp-recv"});
  std::cout << "programs:\n";
  for (const auto& n : names) {
    try {
      std::cout << "  " << n << " -> " << bins.resolve(n) << "\n";
    } catch (const std::exception& e) {
      std::cout << "  " << n << " -> NOT FOUND: " << e.what() << "\n";
      std::cerr << "netsim: note: " << e.what() << "\n";
    }
  }
}

// Nodes (their VXLAN endpoint) and overlays (subnet, VNI, MTU, flooding, bridge per
// node, tasks), when the scenario has any.
void print_swarm(const netsim::Scenario& sc) {
  using namespace netsim;
  const auto nodes = sc.swarm_nodes();
  if (!nodes.empty()) std::cout << "nodes:\n";
  for (const Host* n : nodes)
    std::cout << "  " << n->name << "  VTEP " << to_string(n->links.front().address) << " on "
              << n->links.front().segment << "\n";
  bool first = true;
  for (const auto& s : sc.segments) {
    if (!s.overlay) continue;
    if (first) std::cout << "overlays:\n";
    first = false;
    std::cout << "  " << s.name << "  " << to_string(s.subnet) << "  VNI " << s.overlay->vni
              << "  MTU " << s.overlay->mtu << "  UDP " << kVxlanPort << "  "
              << (s.overlay->flood ? "flooding (broadcast to every node)"
                                   : "no flooding (broadcast stays on its node)")
              << "\n";
    for (const Host* n : nodes) {
      std::cout << "    on " << n->name << ":";
      for (const auto& h : sc.hosts)
        for (const auto& l : h.links)
          if (h.on_node == n->name && l.segment == s.name)
            std::cout << " " << h.name << "=" << to_string(l.address);
      std::cout << "\n";
    }
  }
}

void print_plan(const netsim::Scenario& sc) {
  using namespace netsim;
  std::cout << "scenario " << sc.name << ": ok (" << sc.file << ")\n";
  if (!sc.description.empty()) std::cout << "  " << sc.description << "\n";
  std::cout << "duration " << sc.duration << "s\nsegments:\n";
  for (const auto& s : sc.segments)
    if (!s.overlay)
      std::cout << "  " << s.name << "  " << (s.ipv4 ? to_string(s.subnet) : "no IPv4")
                << (s.subnet6 ? "  " + to_string(*s.subnet6) : "") << "\n";
  print_swarm(sc);
  std::cout << "hosts:\n";
  for (const auto& h : sc.hosts) {
    std::cout << "  " << h.name
              << (h.router ? " (router)"
                  : h.node ? " (node)"
                           : "")
              << (h.is_task() ? " (task on " + h.on_node +
                                    (h.service.empty() ? "" : ", service " + h.service) + ")"
                              : "")
              << ":";
    for (const auto& l : h.links) {
      std::cout << "  " << l.ifname << "=";
      if (l.ipv4) std::cout << to_string(l.address) << (l.address6 ? "," : "");
      if (l.address6) std::cout << to_string(*l.address6);
      std::cout << " on " << l.segment;
      if (h.is_task()) std::cout << " mac " << task_mac(l.address);
    }
    std::cout << "\n";
  }
  std::cout << "processes:\n";
  for (const auto& p : sc.processes) {
    std::cout << "  " << p.name << " on " << p.host << ":";
    auto vars = run_variables(sc, "<logs>", p.name);
    for (const auto& [name, value] : p.env)
      std::cout << " " << name << "=" << substitute(value, vars);
    for (const auto& a : p.command) std::cout << " " << substitute(a, vars);
    if (!p.ready.empty()) std::cout << "   (ready: \"" << p.ready << "\")";
    std::cout << "\n";
  }
  if (!sc.timeline.empty()) std::cout << "timeline:\n";
  for (const auto& e : sc.timeline) std::cout << "  at " << e.at << "s: " << describe(e) << "\n";
  std::cout << "expect:\n";
  for (const auto& x : sc.expectations) std::cout << "  " << describe(x) << "\n";
}

int run(const std::string& file, std::string logs, std::string capture, std::string bin_dir,
        bool json) {
  netsim::Scenario sc = netsim::load_scenario_file(file);
  if (bin_dir.empty()) bin_dir = netsim::default_bin_dir();
  logs = logs.empty() ? fresh_logs_dir(sc.name) : absolute(logs);
  if (!make_dir(logs)) throw std::runtime_error("cannot create logs directory " + logs);
  if (!capture.empty()) {
    capture = absolute(capture);
    if (!make_dir(capture)) throw std::runtime_error("cannot create capture directory " + capture);
  }
  // From here on we are PID 1 of a private world (the original process waits for us).
  netsim::enter_private_world();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  netsim::RunOptions opt{logs, capture, bin_dir};
  netsim::Report report = netsim::run_scenario(sc, opt, g_interrupted);
  if (json)
    std::cout << netsim::to_json(report).dump(2) << std::endl;
  else
    std::cout << netsim::render_text(report) << std::flush;
  return report.exit_code();
}

// Builds and tears down generated topologies with each engine; one line per run.
// `label` names what the counts count (segments, or Swarm nodes).
void bench_rows(const char* label, const std::vector<int>& counts,
                const std::vector<netsim::EngineKind>& kinds,
                netsim::BenchRow (*bench)(int, netsim::EngineKind)) {
  if (counts.empty()) return;
  std::printf("%-8s %8s %6s %6s %10s %11s %10s\n", "engine", label, "hosts", "links", "setup_s",
              "teardown_s", "processes");
  for (int n : counts) {
    double ip_setup = 0, nl_setup = 0;
    for (auto kind : kinds) {
      netsim::BenchRow r = bench(n, kind);
      (kind == netsim::EngineKind::ip ? ip_setup : nl_setup) = r.setup_s;
      std::printf("%-8s %8d %6d %6d %10.3f %11.3f %10ld\n", netsim::to_string(kind).c_str(),
                  r.segments, r.hosts, r.links, r.setup_s, r.teardown_s, r.processes);
      std::fflush(stdout);
    }
    if (ip_setup > 0 && nl_setup > 0)
      std::printf("speedup  %8d  set-up netlink vs ip: %.1fx\n", n, ip_setup / nl_setup);
  }
}

int bench_topology(std::vector<int> segment_counts, const std::vector<int>& swarm_nodes,
                   const std::vector<std::string>& engines) {
  std::vector<netsim::EngineKind> kinds;
  for (const auto& e : engines) kinds.push_back(netsim::parse_engine(e));
  if (segment_counts.empty() && swarm_nodes.empty()) segment_counts = {2, 16, 48, 120};
  netsim::enter_private_world();
  bench_rows("segments", segment_counts, kinds, &netsim::bench_topology);
  bench_rows("nodes", swarm_nodes, kinds, &netsim::bench_swarm);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("netsim");
  logger->set_pattern("netsim: %v");
  spdlog::set_default_logger(logger);

  CLI::App app{kDescription, "netsim"};
  app.footer(kFooter);
  app.require_subcommand(1);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Debug logging on stderr");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr");

  std::string file, logs, capture, bin_dir;
  bool json = false;
  auto* run_cmd =
      app.add_subcommand("run", "Build the scenario's network, run it, check it, tear it down");
  run_cmd->add_option("scenario", file, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("--logs", logs,
                      "Directory for process logs (default: a fresh /tmp/netsim-NAME-XXXXXX)");
  run_cmd->add_option("--capture", capture,
                      "Write one pcap per segment (SEGMENT.pcap) into this directory");
  run_cmd->add_option("--bin-dir", bin_dir,
                      "Where snowsignal, pva-server and pva-client are (default: $NETSIM_BIN_DIR, "
                      "else netsim's own directory)");
  run_cmd->add_flag("--json", json, "Print the report as JSON on stdout");
  std::string engine;
  run_cmd
      ->add_option("--engine", engine,
                   "How the topology is built: netlink (default) or ip (an `ip` process per "
                   "step); also $NETSIM_ENGINE")
      ->check(CLI::IsMember({"netlink", "ip"}));
  run_cmd->add_flag("-v,--verbose", verbose, "Debug logging on stderr");
  run_cmd->add_flag("-q,--quiet", quiet, "Only warnings and errors on stderr");

  std::string check_file;
  auto* check_cmd = app.add_subcommand(
      "check", "Validate a scenario and print its plan (addresses, commands); builds nothing");
  check_cmd->add_option("scenario", check_file, "Scenario YAML file")
      ->required()
      ->check(CLI::ExistingFile);
  check_cmd->add_option("--bin-dir", bin_dir, "Where our programs are (as for run)");

  std::vector<int> bench_segments;
  std::vector<int> bench_swarm_nodes;
  std::vector<std::string> bench_engines{"ip", "netlink"};
  auto* bench_cmd = app.add_subcommand(
      "bench-topology",
      "Time set-up and teardown of generated topologies (N segments, a router on all, a host "
      "on each; or a Swarm of N nodes with an overlay across them and two tasks on each; no "
      "programs) with each engine, and count the processes made");
  bench_cmd->add_option("--segments", bench_segments, "Segment counts (default 2,16,48,120)")
      ->delimiter(',')
      ->check(CLI::Range(1, 250));
  bench_cmd
      ->add_option("--swarm-nodes", bench_swarm_nodes,
                   "Swarm node counts: N nodes on one underlay, overlay 198.19.0.0/23 (VXLAN, "
                   "no flooding), two tasks per node")
      ->delimiter(',')
      ->check(CLI::Range(1, 100));
  bench_cmd->add_option("--engines", bench_engines, "Engines, in order")
      ->delimiter(',')
      ->check(CLI::IsMember({"netlink", "ip"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  spdlog::set_level(verbose ? spdlog::level::debug
                    : quiet ? spdlog::level::warn
                            : spdlog::level::info);

  try {
    if (*check_cmd) {
      netsim::Scenario sc = netsim::load_scenario_file(check_file);
      print_plan(sc);
      print_programs(sc,
                     netsim::BinaryResolver(bin_dir.empty() ? netsim::default_bin_dir() : bin_dir));
      return 0;
    }
    if (*bench_cmd) return bench_topology(bench_segments, bench_swarm_nodes, bench_engines);
    // The topology is built after netsim re-enters itself as PID 1; the choice travels
    // in the environment, where NETSIM_ENGINE may also set it.
    if (!engine.empty()) setenv("NETSIM_ENGINE", engine.c_str(), 1);
    netsim::engine_from_environment();  // a bad $NETSIM_ENGINE is a usage error, now
    return run(file, logs, capture, bin_dir, json);
  } catch (const netsim::ScenarioError& e) {
    std::cerr << "netsim: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "netsim: " << e.what() << "\n";
    return g_interrupted ? kExitInterrupted : kExitUsage;
  }
}
