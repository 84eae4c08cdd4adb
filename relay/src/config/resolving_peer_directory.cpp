#include "resolving_peer_directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace snowsignal {

ResolvingPeerDirectory::ResolvingPeerDirectory(NameResolver& resolver,
                                               std::vector<std::string> hosts,
                                               std::optional<std::string> service_name,
                                               std::vector<IpAddress> own_addresses, IpAddress self)
    : resolver_(resolver),
      hosts_(std::move(hosts)),
      service_name_(std::move(service_name)),
      own_addresses_(std::move(own_addresses)),
      self_(self),
      host_addresses_(hosts_.size()) {
  own_addresses_.push_back(self_);
  std::sort(own_addresses_.begin(), own_addresses_.end());
}

std::optional<std::string> ResolvingPeerDirectory::start() {
  std::string unresolved;
  if (!resolve_hosts(true, &unresolved)) return unresolved;
  resolve_service();
  rebuild();
  started_ = true;
  return std::nullopt;
}

void ResolvingPeerDirectory::refresh() {
  resolve_hosts(false, nullptr);
  resolve_service();
  rebuild();
}

bool ResolvingPeerDirectory::resolve_hosts(bool at_start, std::string* unresolved) {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    std::vector<IpAddress> addresses = resolver_.resolve(hosts_[i]);
    if (addresses.empty()) {
      if (at_start) {
        *unresolved = hosts_[i];
        return false;
      }
      spdlog::warn("peer '{}' does not resolve now; keeping its last address(es) [{}]", hosts_[i],
                   join(host_addresses_[i]));
      continue;
    }
    host_addresses_[i] = std::move(addresses);
  }
  return true;
}

void ResolvingPeerDirectory::resolve_service() {
  if (!service_name_) return;
  const std::string name = "tasks." + *service_name_;
  std::vector<IpAddress> addresses = resolver_.resolve(name);
  if (addresses.empty()) {
    spdlog::warn("SERVICENAME discovery: '{}' has no A or AAAA records (yet); keeping [{}]", name,
                 join(service_addresses_));
    return;
  }
  service_addresses_ = std::move(addresses);
}

void ResolvingPeerDirectory::rebuild() {
  std::vector<IpAddress> next = service_addresses_;
  for (const auto& addresses : host_addresses_) {
    next.insert(next.end(), addresses.begin(), addresses.end());
  }
  std::sort(next.begin(), next.end());
  next.erase(std::unique(next.begin(), next.end()), next.end());
  // Our own addresses are not peers: Swarm's tasks.<service> lists this task too, and a
  // shared OTHER_RELAYS list often names every relay including this one.
  std::erase_if(next, [&](IpAddress a) {
    return std::binary_search(own_addresses_.begin(), own_addresses_.end(), a);
  });
  const bool self_relay = next.empty();
  // SnowSignal's behaviour with nobody to talk to: relay to ourselves (a test mode).
  if (self_relay) next.push_back(self_);
  if (started_ && next == peers_ && self_relay == self_relay_) return;
  peers_ = std::move(next);
  self_relay_ = self_relay;
  if (self_relay_) {
    spdlog::warn(
        "NO PEERS: no other relay configured (--other-relays/OTHER_RELAYS) or discovered "
        "(SERVICENAME); relaying to ourselves at {} (SnowSignal's test mode). Broadcasts will "
        "not leave this segment.",
        self_.to_string());
  } else {
    spdlog::info("peers: [{}]", join(peers_));
  }
}

}  // namespace snowsignal
