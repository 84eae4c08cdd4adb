// Broadcast addresses of this host's IPv4 interfaces (what EPICS_PVA_AUTO_ADDR_LIST=YES
// searches, and where pvxs servers send beacons).
#pragma once

#include <vector>

#include "pva/address.h"

namespace pva::net {

// Up, broadcast-capable, non-loopback interfaces; sorted, without duplicates.
std::vector<Ipv4> ipv4_broadcast_addresses();

}  // namespace pva::net
