// Adapter: joins the configured multicast groups on the target interface for as long as
// the relay runs: IPv4 groups with IP_ADD_MEMBERSHIP (the kernel sends IGMP reports),
// IPv6 groups with IPV6_JOIN_GROUP (MLD reports), each on the interface's index. So
// switches with IGMP/MLD snooping forward the groups' traffic to our port, and the NIC's
// multicast filter lets it through to the (non-promiscuous) capture. The sockets are
// never bound: they receive nothing, the capture does.
#pragma once

#include <vector>

#include "snowsignal/traffic.h"

namespace snowsignal {

class MulticastMembership {
 public:
  // Throws std::runtime_error naming the group when a join fails.
  MulticastMembership(int interface_index, const std::vector<MulticastGroup>& groups);
  ~MulticastMembership();
  MulticastMembership(const MulticastMembership&) = delete;
  MulticastMembership& operator=(const MulticastMembership&) = delete;

 private:
  void join(int interface_index, const MulticastGroup& entry);

  int fd4_ = -1;
  int fd6_ = -1;
};

}  // namespace snowsignal
