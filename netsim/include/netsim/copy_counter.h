// Counts how many copies of each UDP datagram were seen on a segment. A copy is the
// same (IP source, UDP source port, payload): a relay re-broadcast keeps all three, so
// N copies of one search means N deliveries of it to every listener on the segment.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace netsim {

struct CopyStats {
  long frames = 0;      // matching frames seen
  long datagrams = 0;   // distinct (src, sport, payload)
  long max_copies = 0;  // copies of the most-copied datagram
  std::string worst;    // "198.18.1.10:40000 (1337 bytes)" for the most-copied one
};

class CopyCounter {
 public:
  void add(std::uint32_t src_ip, std::uint16_t src_port, const std::vector<std::uint8_t>& payload);
  CopyStats stats() const;

 private:
  using Key = std::tuple<std::uint32_t, std::uint16_t, std::vector<std::uint8_t>>;
  std::map<Key, long> counts_;
  long frames_ = 0;
};

}  // namespace netsim
