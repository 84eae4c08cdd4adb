#include "netsim/copy_counter.h"

#include "netsim/ipv4.h"

namespace netsim {

void CopyCounter::add(std::uint32_t src_ip, std::uint16_t src_port,
                      const std::vector<std::uint8_t>& payload) {
  ++frames_;
  ++counts_[Key{src_ip, src_port, payload}];
}

CopyStats CopyCounter::stats() const {
  CopyStats s;
  s.frames = frames_;
  s.datagrams = static_cast<long>(counts_.size());
  for (const auto& [key, n] : counts_) {
    if (n > s.max_copies) {
      s.max_copies = n;
      s.worst = to_string(Ipv4{std::get<0>(key)}) + ":" + std::to_string(std::get<1>(key)) + " (" +
                std::to_string(std::get<2>(key).size()) + " bytes)";
    }
  }
  return s;
}

}  // namespace netsim
