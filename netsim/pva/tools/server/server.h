// pva-server's event loop: one thread, one poll() over the UDP search socket, the TCP
// listener, its connections and a signalfd.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace pva::server {

struct ServerOptions {
  std::set<std::string> pvs;
  std::map<std::string, double> initial_values;  // from --pv NAME=VALUE; others start at 0
  double update_period_s = 1.0;                  // monitor updates; 0: only on PUT
  std::uint16_t udp_port = 5076;
  std::uint16_t tcp_port = 5075;
  double beacon_interval_s = 15.0;  // 0: no beacons
  std::string stats_file;           // empty: none
};

// Runs until SIGINT/SIGTERM. Returns the process exit code (0, or 1 if the sockets
// could not be opened).
int run_server(const ServerOptions& options);

}  // namespace pva::server
