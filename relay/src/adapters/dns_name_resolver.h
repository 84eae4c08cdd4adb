// NameResolver on getaddrinfo, both families (A and AAAA): literals, /etc/hosts and DNS, as the C
// library sees them; in Docker Swarm that includes the embedded DNS with tasks.<name>.
#pragma once

#include "snowsignal/peer_directory.h"

namespace snowsignal {

class DnsNameResolver final : public NameResolver {
 public:
  std::vector<IpAddress> resolve(const std::string& host) override;
};

}  // namespace snowsignal
