// What pva-server does with one SEARCH: which names it claims, whether it answers and
// where. Pure, so the pvxs rules are unit-tested without sockets.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pva/messages.h"
#include "pva/net/endpoint.h"

namespace pva::server {

struct ServerIdentity {
  Guid guid{};
  std::uint16_t tcp_port = 5075;
};

struct SearchDecision {
  std::vector<std::string> claimed;        // names we serve, in request order
  std::optional<SearchResponse> response;  // set when we answer
  std::optional<net::Endpoint> reply_to;   // set when we answer
  std::string no_reply_reason;             // why not, when we do not
};

// pvxs rules (server.cpp onSearch, udp_collector.cpp):
//  - claim the channels we serve, echoing their instance ids, only when the search
//    offers protocol "tcp";
//  - nothing claimed: no answer unless flag 0x01 (then found=0, count 0);
//  - reply to the response address if specified, else to the datagram's IP source,
//    at the response port from the payload.
SearchDecision decide_search_reply(const Search& search, const net::Endpoint& source,
                                   const std::set<std::string>& served, const ServerIdentity& self);

}  // namespace pva::server
