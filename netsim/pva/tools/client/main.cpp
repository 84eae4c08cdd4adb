// pva-client: a fake PVAccess client for netsim. Searches for PVs like pvxs does
// (broadcast/unicast UDP with back-off), then proves each server by completing the
// TCP connection validation; optionally GETs, PUTs or MONITORs each PV. Exit 0: all
// found (and validated, and the operation succeeded); 1: not; 2: usage.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "addr_list.h"
#include "client.h"
#include "command_line.h"
#include "pva/net/interfaces.h"
#include "pva/net/logging.h"
#include "pva/search_splitter.h"

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "pva-client: %s\n", msg.c_str());
  return pva::tools::kUsageExit;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Fake PVAccess client: searches for PVs and validates their servers "
      "(see netsim/pva/README.md)",
      "pva-client"};
  std::optional<std::string> addr_list;
  std::optional<std::uint16_t> broadcast_port;
  std::optional<std::string> auto_addr_list;
  double timeout = 5.0;
  std::size_t max_datagram = pva::kPvxsSearchDatagramBytes;
  bool no_connect = false, json = false, get = false, monitor = false;
  std::optional<double> put;
  std::string level = "warn";
  std::vector<std::string> pvs;
  app.add_option("--addr-list", addr_list,
                 "search destinations ADDR[:PORT][,...] (overrides EPICS_PVA_ADDR_LIST)");
  app.add_option("--auto-addr-list", auto_addr_list,
                 "YES/NO: also search every interface's broadcast address "
                 "(overrides EPICS_PVA_AUTO_ADDR_LIST, default YES)")
      ->check([](const std::string& v) {
        return pva::client::parse_yes_no(v) ? std::string{} : "expected YES or NO, got '" + v + "'";
      });
  app.add_option("--broadcast-port", broadcast_port,
                 "default port of search destinations (overrides EPICS_PVA_BROADCAST_PORT)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--timeout", timeout, "seconds before giving up")
      ->check(CLI::Range(0.001, 86400.0));
  app.add_option("--max-datagram", max_datagram, "max bytes per SEARCH datagram")
      ->check(CLI::Range(64, 65000));
  app.add_flag("--no-connect", no_connect, "stop at discovery, no TCP validation");
  app.add_flag("--json", json, "print one JSON object");
  auto* get_opt = app.add_flag("--get", get, "read each PV's value after validation");
  auto* put_opt = app.add_option("--put", put, "write this number to each PV, then read it back");
  auto* mon_opt = app.add_flag(
      "--monitor", monitor,
      "subscribe to each PV until --timeout, searching again when its server goes away");
  get_opt->excludes(put_opt)->excludes(mon_opt);
  put_opt->excludes(mon_opt);
  for (auto* o : {get_opt, put_opt, mon_opt}) o->excludes("--no-connect");
  pva::tools::add_log_level_option(app, level);
  app.add_option("pv", pvs, "PV names")->required();
  if (auto exit = pva::tools::parse_command_line(app, argc, argv, "pva-client")) return *exit;
  pva::net::setup_logging("pva-client", level);

  pva::client::AddrListInputs in;
  in.flag_addr_list = addr_list;
  in.flag_broadcast_port = broadcast_port;
  if (auto_addr_list) in.flag_auto_addr_list = pva::client::parse_yes_no(*auto_addr_list);
  in.env_addr_list = env("EPICS_PVA_ADDR_LIST");
  in.env_auto_addr_list = env("EPICS_PVA_AUTO_ADDR_LIST");
  in.env_broadcast_port = env("EPICS_PVA_BROADCAST_PORT");
  in.interface_broadcasts = pva::net::ipv4_broadcast_addresses();
  const auto targets = pva::client::resolve_search_targets(in);
  if (!targets.error.empty()) return usage_error(targets.error);

  pva::client::ClientOptions opt;
  opt.targets = targets.targets;
  opt.interface_broadcasts = in.interface_broadcasts;
  opt.timeout_s = timeout;
  opt.max_datagram = max_datagram;
  opt.connect = !no_connect;
  if (get) opt.op = pva::client::Operation::kGet;
  if (put) {
    opt.op = pva::client::Operation::kPut;
    opt.put_value = *put;
  }
  if (monitor) opt.op = pva::client::Operation::kMonitor;
  for (const auto& p : pvs)
    if (std::find(opt.pvs.begin(), opt.pvs.end(), p) == opt.pvs.end()) opt.pvs.push_back(p);
  for (const auto& p : opt.pvs) {
    // Each name must fit in one datagram on its own (response port etc. do not matter
    // for the length).
    const pva::SearchChannel c{1, p};
    if (!pva::split_search(pva::Search{}, std::span(&c, 1), max_datagram))
      return usage_error("--max-datagram " + std::to_string(max_datagram) +
                         " is too small for PV name '" + p + "'");
  }

  std::string setup_error;
  const auto report = pva::client::run_client(opt, setup_error);
  if (!setup_error.empty()) {
    std::fprintf(stderr, "pva-client: %s\n", setup_error.c_str());
    return 1;
  }
  if (json) {
    std::cout << pva::client::to_json(report).dump() << std::endl;
  } else {
    std::cout << pva::client::to_text(report, opt.connect) << std::flush;
  }
  return pva::client::exit_code(report, opt.connect);
}
