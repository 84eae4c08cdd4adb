// The counters pva-server publishes in its --stats-file, for netsim's expectations.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "channel_service.h"
#include "pva/messages.h"

namespace pva::server {

class ServerStats {
 public:
  // Bounded so a search flood cannot grow the file without limit.
  static constexpr std::size_t kMaxPayloads = 1000;

  explicit ServerStats(const Guid& guid);

  // One datagram holding SEARCH messages; `searches` of them.
  void search_datagram(const std::string& source, std::span<const std::uint8_t> payload,
                       std::size_t searches);
  void response_sent();
  // A datagram the codec rejected: a relay that truncates or rewrites payloads shows
  // up here rather than as a silent miss.
  void malformed_datagram();
  void tcp_peer(const std::string& ip);
  void tcp_validated();
  // A TCP message the codec rejected; the connection was closed. By reason name.
  void malformed_tcp(std::string_view reason);
  // Shared with every connection's ChannelService.
  ChannelCounters& channels() { return channels_; }

  nlohmann::ordered_json to_json() const;
  bool dirty() const { return dirty_ || channels_ != written_channels_; }
  void clean() {
    dirty_ = false;
    written_channels_ = channels_;
  }

 private:
  std::string guid_hex_;
  std::uint64_t searches_ = 0, responses_ = 0, validated_ = 0, malformed_ = 0;
  std::vector<std::string> sources_, peers_;  // first-seen order, unique
  std::set<std::string> source_set_, peer_set_;
  nlohmann::ordered_json payloads_ = nlohmann::ordered_json::array();
  std::uint64_t malformed_tcp_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> malformed_tcp_reasons_;
  ChannelCounters channels_, written_channels_;
  bool dirty_ = true;  // write the initial (all zero) file at start
};

}  // namespace pva::server
