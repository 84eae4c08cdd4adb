#include "capture_filter.h"

namespace snowsignal {

std::string capture_filter(std::uint16_t broadcast_port, const std::vector<MacAddress>& own_macs) {
  std::string filter = "ether broadcast and ip and udp dst port " + std::to_string(broadcast_port);
  if (own_macs.empty()) return filter;
  filter += " and not (";
  for (std::size_t i = 0; i < own_macs.size(); ++i) {
    if (i > 0) filter += " or ";
    filter += "ether src " + own_macs[i].to_string();
  }
  filter += ")";
  return filter;
}

}  // namespace snowsignal
