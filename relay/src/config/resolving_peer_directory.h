// The peer set from --other-relays/OTHER_RELAYS and from SERVICENAME discovery
// (A and AAAA records of tasks.<service>, Docker Swarm's per-task DNS), refreshed by the caller
// every 10 s, minus this host's own addresses; ourselves when nobody else is known.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snowsignal/peer_directory.h"

namespace snowsignal {

class ResolvingPeerDirectory final : public PeerDirectory {
 public:
  ResolvingPeerDirectory(NameResolver& resolver, std::vector<std::string> hosts,
                         std::optional<std::string> service_name,
                         std::vector<IpAddress> own_addresses, IpAddress self);

  // First resolution. Returns the first configured host that does not resolve: at
  // start that is a configuration error. SERVICENAME may legitimately be empty at start
  // (the other tasks are not up yet), so it is only logged.
  std::optional<std::string> start();

  const std::vector<IpAddress>& peers() const override { return peers_; }
  bool self_relay() const override { return self_relay_; }
  void refresh() override;

 private:
  bool resolve_hosts(bool at_start, std::string* unresolved);
  void resolve_service();
  void rebuild();

  NameResolver& resolver_;
  std::vector<std::string> hosts_;
  std::optional<std::string> service_name_;
  std::vector<IpAddress> own_addresses_;
  IpAddress self_;
  std::vector<std::vector<IpAddress>> host_addresses_;  // last good answer per host
  std::vector<IpAddress> service_addresses_;
  std::vector<IpAddress> peers_;
  bool self_relay_ = false;
  bool started_ = false;
};

}  // namespace snowsignal
