// The kernel BPF filter for the capture, so unrelated traffic never reaches user space.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snowsignal/net_types.h"

namespace snowsignal {

// "ether broadcast and ip and udp dst port P and not (ether src M1 or ether src M2 ...)".
// Excluding our MACs in the kernel keeps our own re-broadcasts off the hot path; the
// core checks them again because a filter is only as good as the MAC list it was given.
std::string capture_filter(std::uint16_t broadcast_port, const std::vector<MacAddress>& own_macs);

}  // namespace snowsignal
