#include "dns_name_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace snowsignal {

std::vector<Ipv4Address> DnsNameResolver::resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* results = nullptr;
  std::vector<Ipv4Address> addresses;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &results) != 0) return addresses;
  for (const addrinfo* r = results; r != nullptr; r = r->ai_next) {
    sockaddr_in sin;
    std::memcpy(&sin, r->ai_addr, sizeof sin);
    addresses.push_back(Ipv4Address{ntohl(sin.sin_addr.s_addr)});
  }
  ::freeaddrinfo(results);
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

}  // namespace snowsignal
