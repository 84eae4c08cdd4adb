// Seams: who the other relays are, and how host names become addresses.
#pragma once

#include <string>
#include <vector>

#include "snowsignal/net_types.h"

namespace snowsignal {

class PeerDirectory {
 public:
  virtual ~PeerDirectory() = default;
  // The current peers, sorted, without duplicates. Never empty after start: with no
  // configured or discovered peer it holds our own address (self-relay mode).
  virtual const std::vector<IpAddress>& peers() const = 0;
  // True when peers() is only ourselves because nobody else is known.
  virtual bool self_relay() const = 0;
  // Re-resolves names; failures are logged, the previous answer for that name is kept.
  virtual void refresh() = 0;
};

class NameResolver {
 public:
  virtual ~NameResolver() = default;
  // Addresses of either family (A and AAAA records, or a literal of either; IPv4 held
  // IPv4-mapped) for `host`, sorted, without duplicates; empty when it does not resolve.
  virtual std::vector<IpAddress> resolve(const std::string& host) = 0;
};

}  // namespace snowsignal
