#include "netsim/copy_counter.h"

#include "netsim/ipv4.h"

namespace netsim {

void CopyCounter::add(std::uint32_t src_ip, std::uint16_t src_port,
                      const std::vector<std::uint8_t>& payload, double at) {
  add(to_string(Ipv4{src_ip}), src_port, payload, at);
}

void CopyCounter::add(const std::string& src_address, std::uint16_t src_port,
                      const std::vector<std::uint8_t>& payload, double at) {
  ++frames_;
  Seen& seen = seen_[Key{src_address, src_port, payload}];
  if (seen.in_burst == 0 || at - seen.burst_start >= kCopyWindowSeconds) {
    seen.burst_start = at;
    seen.in_burst = 0;
  }
  ++seen.in_burst;
  if (seen.in_burst > seen.max_burst) seen.max_burst = seen.in_burst;
}

CopyStats CopyCounter::stats() const {
  CopyStats s;
  s.frames = frames_;
  s.datagrams = static_cast<long>(seen_.size());
  for (const auto& [key, seen] : seen_) {
    if (seen.max_burst > s.max_copies) {
      s.max_copies = seen.max_burst;
      const std::string& address = std::get<0>(key);
      const bool v6 = address.find(':') != std::string::npos;
      s.worst = (v6 ? "[" + address + "]" : address) + ":" + std::to_string(std::get<1>(key)) +
                " (" + std::to_string(std::get<2>(key).size()) + " bytes)";
    }
  }
  return s;
}

}  // namespace netsim
