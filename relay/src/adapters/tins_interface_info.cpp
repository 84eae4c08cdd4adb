#include "tins_interface_info.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <tins/network_interface.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace snowsignal {

namespace {

MacAddress to_mac(const Tins::HWAddress<6>& hw) {
  MacAddress mac;
  std::copy(hw.begin(), hw.end(), mac.octets.begin());
  return mac;
}

// Every IPv4 and IPv6 address and every non-zero MAC on this host, from all interfaces.
void collect_host_addresses(InterfaceInfo& info) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return;
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    if (a->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin;
      std::memcpy(&sin, a->ifa_addr, sizeof sin);
      info.host_ipv4s.push_back(Ipv4Address{ntohl(sin.sin_addr.s_addr)});
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, a->ifa_addr, sizeof sin6);
      IpAddress address;
      std::memcpy(address.octets.data(), &sin6.sin6_addr, address.octets.size());
      info.host_ipv6s.push_back(address);
    } else if (a->ifa_addr->sa_family == AF_PACKET) {
      sockaddr_ll sll;
      std::memcpy(&sll, a->ifa_addr, sizeof sll);
      if (sll.sll_halen != 6) continue;
      MacAddress mac;
      std::copy_n(sll.sll_addr, 6, mac.octets.begin());
      if (mac != MacAddress{} &&
          std::find(info.host_macs.begin(), info.host_macs.end(), mac) == info.host_macs.end()) {
        info.host_macs.push_back(mac);
      }
    }
  }
  ::freeifaddrs(list);
}

unsigned interface_mtu(const std::string& name) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 1500;
  ifreq request{};
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  const int rc = ::ioctl(fd, SIOCGIFMTU, &request);
  ::close(fd);
  return rc == 0 && request.ifr_mtu > 0 ? static_cast<unsigned>(request.ifr_mtu) : 1500;
}

}  // namespace

std::optional<InterfaceInfo> TinsInterfaceLookup::find(const std::string& name) const {
  InterfaceInfo info;
  try {
    const Tins::NetworkInterface interface(name);
    const Tins::NetworkInterface::Info addresses = interface.addresses();
    info.name = interface.name();
    info.index = static_cast<int>(interface.id());
    info.mac = to_mac(addresses.hw_addr);
    const std::uint32_t ip = ntohl(static_cast<std::uint32_t>(addresses.ip_addr));
    if (ip != 0) {
      info.ipv4 = Ipv4Address{ip};
      info.broadcast = segment_broadcast(
          Ipv4Address{ip}, Ipv4Address{ntohl(static_cast<std::uint32_t>(addresses.netmask))},
          Ipv4Address{ntohl(static_cast<std::uint32_t>(addresses.bcast_addr))});
    }
  } catch (const std::exception&) {
    return std::nullopt;  // libtins throws invalid_interface for an unknown name
  }
  info.mtu = interface_mtu(name);
  collect_host_addresses(info);
  return info;
}

}  // namespace snowsignal
