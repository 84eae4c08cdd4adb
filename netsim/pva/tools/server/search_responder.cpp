#include "search_responder.h"

#include <algorithm>

namespace pva::server {

SearchDecision decide_search_reply(const Search& search, const net::Endpoint& source,
                                   const std::set<std::string>& served,
                                   const ServerIdentity& self) {
  SearchDecision d;
  // pvxs udp_collector.cpp queues names only when the search offers "tcp".
  const bool offers_tcp =
      std::find(search.protocols.begin(), search.protocols.end(), "tcp") != search.protocols.end();
  SearchResponse r;
  r.guid = self.guid;
  r.sequence_id = search.sequence_id;
  r.server_address = Address::mapped_any();  // pvxs: client uses the reply's IP source
  r.server_port = self.tcp_port;
  r.protocol = "tcp";
  for (const auto& c : search.channels) {
    if (!offers_tcp || served.count(c.name) == 0) continue;
    d.claimed.push_back(c.name);
    r.channel_ids.push_back(c.id);
  }
  r.found = !r.channel_ids.empty();
  // pvxs server.cpp: "pvlist breaks unless we honor mustReply".
  if (!r.found && (search.flags & search_flag::kReplyRequired) == 0) {
    d.no_reply_reason = offers_tcp ? "nothing claimed" : "no tcp protocol offered";
    return d;
  }
  net::Endpoint to;
  to.port = search.response_port;
  if (search.response_address.is_unspecified()) {
    to.ip = source.ip;
  } else if (auto v4 = search.response_address.ipv4()) {
    to.ip = *v4;
  } else {
    d.no_reply_reason = "IPv6 response address " + search.response_address.to_string();
    return d;
  }
  if (to.port == 0) {
    d.no_reply_reason = "response port 0";
    return d;
  }
  d.response = std::move(r);
  d.reply_to = to;
  return d;
}

}  // namespace pva::server
