// pva-client's result, in human and JSON form, and its exit code.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pva/messages.h"
#include "pva/net/endpoint.h"

namespace pva::client {

// What pva-client does once a PV's server is validated.
enum class Operation { kNone, kGet, kPut, kMonitor };

struct PvResult {
  std::string name;
  bool found = false;
  std::optional<net::Endpoint> server;  // TCP endpoint from the SEARCH_RESPONSE
  std::optional<Guid> guid;
  std::optional<double> seconds;  // from the first search sent to the response
  bool tcp_validated = false;
  // With an operation:
  std::optional<double> value;   // GET / PUT read-back / the last monitor update
  std::string error;             // the server's error status, or why the client gave up
  std::uint64_t updates = 0;     // MONITOR updates received, over all connections
  std::uint64_t reconnects = 0;  // times the server went away and was found again
  std::uint64_t updates_since_reconnect = 0;  // on the current connection
};

struct PayloadPrint {
  std::size_t bytes = 0;
  std::uint64_t fnv1a64 = 0;
};

struct ClientReport {
  std::vector<PvResult> pvs;
  std::vector<PayloadPrint> sent_payloads;  // capped like the server's list
  std::uint64_t datagrams_sent = 0;
  Operation op = Operation::kNone;

  bool all_found() const;
  bool all_validated() const;
};

inline constexpr std::size_t kMaxPayloadPrints = 1000;

nlohmann::ordered_json to_json(const ClientReport& r);
std::string to_text(const ClientReport& r, bool connect);
// 0: all found (and validated when connecting) and, with an operation, every PV has
// a value without error (MONITOR: at least one update on its current connection).
// 1: otherwise.
int exit_code(const ClientReport& r, bool connect);

}  // namespace pva::client
