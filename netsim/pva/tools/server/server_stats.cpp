#include "server_stats.h"

#include "pva/fnv1a.h"

namespace pva::server {

ServerStats::ServerStats(const Guid& guid) : guid_hex_(hex_bytes(guid)) {}

void ServerStats::search_datagram(const std::string& source, std::span<const std::uint8_t> payload,
                                  std::size_t searches) {
  searches_ += searches;
  if (source_set_.insert(source).second) sources_.push_back(source);
  if (payloads_.size() < kMaxPayloads)
    payloads_.push_back({{"bytes", payload.size()}, {"fnv1a64", hex64(fnv1a64(payload))}});
  dirty_ = true;
}

void ServerStats::response_sent() {
  ++responses_;
  dirty_ = true;
}

void ServerStats::malformed_datagram() {
  ++malformed_;
  dirty_ = true;
}

void ServerStats::tcp_peer(const std::string& ip) {
  if (peer_set_.insert(ip).second) {
    peers_.push_back(ip);
    dirty_ = true;
  }
}

void ServerStats::tcp_validated() {
  ++validated_;
  dirty_ = true;
}

void ServerStats::malformed_tcp(std::string_view reason) {
  ++malformed_tcp_;
  ++malformed_tcp_reasons_[std::string(reason)];
  dirty_ = true;
}

nlohmann::ordered_json ServerStats::to_json() const {
  return {{"guid", guid_hex_},
          {"searches_received", searches_},
          {"responses_sent", responses_},
          {"tcp_validated", validated_},
          {"search_sources", sources_},
          {"tcp_peers", peers_},
          {"search_payloads", payloads_},
          {"malformed_datagrams", malformed_},
          {"malformed_tcp", malformed_tcp_},
          {"malformed_tcp_reasons", malformed_tcp_reasons_},
          {"channels_created", channels_.channels_created},
          {"unknown_channels", channels_.unknown_channels},
          {"gets", channels_.gets},
          {"puts", channels_.puts},
          {"put_errors", channels_.put_errors},
          {"monitor_updates", channels_.monitor_updates},
          {"request_errors", channels_.request_errors}};
}

}  // namespace pva::server
