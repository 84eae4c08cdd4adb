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

struct PvResult {
  std::string name;
  bool found = false;
  std::optional<net::Endpoint> server;  // TCP endpoint from the SEARCH_RESPONSE
  std::optional<Guid> guid;
  std::optional<double> seconds;  // from the first search sent to the response
  bool tcp_validated = false;
};

struct PayloadPrint {
  std::size_t bytes = 0;
  std::uint64_t fnv1a64 = 0;
};

struct ClientReport {
  std::vector<PvResult> pvs;
  std::vector<PayloadPrint> sent_payloads;  // capped like the server's list
  std::uint64_t datagrams_sent = 0;

  bool all_found() const;
  bool all_validated() const;
};

inline constexpr std::size_t kMaxPayloadPrints = 1000;

nlohmann::ordered_json to_json(const ClientReport& r);
std::string to_text(const ClientReport& r, bool connect);
// 0: all found (and validated when connecting); 1: otherwise.
int exit_code(const ClientReport& r, bool connect);

}  // namespace pva::client
