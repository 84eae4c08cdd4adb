#include "dns_name_resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace snowsignal {

std::vector<IpAddress> DnsNameResolver::resolve(const std::string& host) {
  addrinfo hints{};
  // Both families: A and AAAA records (and a literal of either). IPv4 comes back mapped,
  // as the dual-stack mesh socket reports IPv4 senders.
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* results = nullptr;
  std::vector<IpAddress> addresses;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &results) != 0) return addresses;
  for (const addrinfo* r = results; r != nullptr; r = r->ai_next) {
    if (r->ai_family == AF_INET) {
      sockaddr_in sin;
      std::memcpy(&sin, r->ai_addr, sizeof sin);
      addresses.push_back(IpAddress::from_v4(Ipv4Address{ntohl(sin.sin_addr.s_addr)}));
    } else if (r->ai_family == AF_INET6) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, r->ai_addr, sizeof sin6);
      IpAddress address;
      std::memcpy(address.octets.data(), &sin6.sin6_addr, address.octets.size());
      // A link-local peer would need a zone (interface) we do not keep: refused rather
      // than sent wherever the kernel guesses.
      if (address.octets[0] == 0xfe && (address.octets[1] & 0xc0) == 0x80) continue;
      addresses.push_back(address);
    }
  }
  ::freeaddrinfo(results);
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

}  // namespace snowsignal
