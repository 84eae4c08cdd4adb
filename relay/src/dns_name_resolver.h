// NameResolver on getaddrinfo (IPv4 only): literals, /etc/hosts and DNS, as the C
// library sees them; in Docker Swarm that includes the embedded DNS with tasks.<name>.
#pragma once

#include "snowsignal/peer_directory.h"

namespace snowsignal {

class DnsNameResolver final : public NameResolver {
 public:
  std::vector<Ipv4Address> resolve(const std::string& host) override;
};

}  // namespace snowsignal
