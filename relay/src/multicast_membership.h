// Adapter: joins the configured IPv4 multicast groups on the target interface for as
// long as the relay runs. The join sends IGMP reports, so switches with IGMP snooping
// forward the groups' traffic to our port, and it programs the NIC's multicast filter,
// so the (non-promiscuous) capture sees it. The socket is never bound: it receives
// nothing, the capture does.
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
  int fd_ = -1;
};

}  // namespace snowsignal
