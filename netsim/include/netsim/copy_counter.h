// Counts how many copies of each UDP datagram were seen on a segment. A copy is the
// same (IP source, UDP source port, payload) within kCopyWindow of the first sighting:
// a relay re-broadcast keeps all three and follows within milliseconds, so N copies of
// one search means N deliveries of it to every listener on the segment. The window
// keeps a client's own retransmission (byte-identical in pvxs and pva-client, and at
// least 0.5 s later) from counting as a copy.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace netsim {

inline constexpr double kCopyWindowSeconds = 0.25;

struct CopyStats {
  long frames = 0;      // matching frames seen
  long datagrams = 0;   // distinct (src, sport, payload)
  long max_copies = 0;  // most copies of one datagram within the window
  std::string worst;    // "198.18.1.10:40000 (1337 bytes)" for the most-copied one
                        // ("[2001:db8:1::10]:40000 (...)" for IPv6)
};

class CopyCounter {
 public:
  // at: capture time in seconds (any fixed origin). src_ip: host order IPv4.
  void add(std::uint32_t src_ip, std::uint16_t src_port, const std::vector<std::uint8_t>& payload,
           double at);
  // src_address: the source as text, IPv4 dotted or IPv6 canonical (either family).
  void add(const std::string& src_address, std::uint16_t src_port,
           const std::vector<std::uint8_t>& payload, double at);
  CopyStats stats() const;

 private:
  using Key = std::tuple<std::string, std::uint16_t, std::vector<std::uint8_t>>;
  struct Seen {
    double burst_start = 0;
    long in_burst = 0;
    long max_burst = 0;
  };
  std::map<Key, Seen> seen_;
  long frames_ = 0;
};

}  // namespace netsim
