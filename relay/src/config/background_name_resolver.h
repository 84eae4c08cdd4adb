// Keeps DNS off the relay's thread: getaddrinfo can block for seconds when a DNS server
// is slow or gone, and the relay thread must keep moving packets meanwhile.
#pragma once

#include <memory>

#include "snowsignal/peer_directory.h"

namespace snowsignal {

class BackgroundNameResolver final : public NameResolver {
 public:
  explicit BackgroundNameResolver(std::unique_ptr<NameResolver> inner);
  // Does not wait for a lookup in progress: stopping must not take a DNS timeout.
  ~BackgroundNameResolver() override;
  BackgroundNameResolver(const BackgroundNameResolver&) = delete;
  BackgroundNameResolver& operator=(const BackgroundNameResolver&) = delete;

  // The first call for a host resolves synchronously (at start a bad name must be an
  // error). Later calls return the last completed answer at once (empty if that lookup
  // failed) and start a fresh lookup in the background for the next call.
  std::vector<IpAddress> resolve(const std::string& host) override;

 private:
  struct Shared;
  static void work(const std::shared_ptr<Shared>& shared);
  std::shared_ptr<Shared> shared_;
};

}  // namespace snowsignal
