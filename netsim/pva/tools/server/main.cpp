// pva-server: a fake PVAccess server for netsim. Answers UDP searches for the names it
// is given exactly as pvxs does, sends beacons, completes TCP connection validation and
// serves the PVs as NTScalar doubles (GET, PUT, MONITOR).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "command_line.h"
#include "pv_database.h"
#include "pva/net/logging.h"
#include "server.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Fake PVAccess server: answers searches for the given PVs (see netsim/pva/README.md)",
      "pva-server"};
  std::vector<std::string> pvs;
  pva::server::ServerOptions opt;
  std::string level = "info";
  app.add_option("--pv", pvs, "PV to serve, NAME or NAME=VALUE (repeatable)")->required();
  app.add_option("--update-period", opt.update_period_s,
                 "seconds between monitor updates (timeStamp refresh), 0 = only on PUT")
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--udp-port", opt.udp_port, "UDP search port")->check(CLI::Range(1, 65535));
  app.add_option("--tcp-port", opt.tcp_port, "TCP server port")->check(CLI::Range(1, 65535));
  app.add_option("--beacon-interval", opt.beacon_interval_s, "seconds between beacons, 0 = off")
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--stats-file", opt.stats_file, "JSON stats file, rewritten atomically");
  pva::tools::add_log_level_option(app, level);
  if (auto exit = pva::tools::parse_command_line(app, argc, argv, "pva-server")) return *exit;
  for (const auto& arg : pvs) {
    std::string name;
    double value = 0;
    if (!pva::server::parse_pv_arg(arg, name, value)) {
      std::fprintf(stderr, "pva-server: --pv: expected NAME or NAME=NUMBER, got '%s'\n",
                   arg.c_str());
      return pva::tools::kUsageExit;
    }
    opt.pvs.insert(name);
    opt.initial_values[name] = value;
  }
  pva::net::setup_logging("pva-server", level);
  return pva::server::run_server(opt);
}
