// pva-client's event loop: search (with back-off) until every PV is found or the
// deadline passes, then prove each server by TCP connection validation and, with an
// operation, GET, PUT or MONITOR each PV (searching again when a monitored server goes
// away).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "client_report.h"
#include "pva/net/endpoint.h"

namespace pva::client {

struct ClientOptions {
  std::vector<net::Endpoint> targets;
  std::vector<Ipv4> interface_broadcasts;  // to tell broadcast from unicast targets
  double timeout_s = 5.0;
  std::size_t max_datagram = 1337;
  bool connect = true;
  Operation op = Operation::kNone;  // implies connect
  double put_value = 0;             // Operation::kPut
  std::vector<std::string> pvs;     // unique, in command-line order
};

// Never runs past the deadline (start + timeout); MONITOR runs until it. Sets `setup_error` (and
// returns an empty report) when the UDP socket cannot be opened.
ClientReport run_client(const ClientOptions& options, std::string& setup_error);

}  // namespace pva::client
