// What a segment's pcap says about UDP broadcasts: read raw with libpcap (libtins would
// re-serialise and so recompute the very checksums under test) and parsed with the
// relay's own zero-copy frame parser.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace integration {

struct BroadcastDatagram {
  std::string source_mac;   // aa:bb:cc:dd:ee:ff
  std::string ip_source;    // dotted quad
  std::string ip_destination;
  std::uint16_t udp_source_port = 0;
  std::vector<std::uint8_t> payload;
  bool ip_checksum_ok = false;
  bool udp_checksum_ok = false;  // a zero UDP checksum ("none") counts as not ok
};

// Every Ethernet-broadcast IPv4/UDP frame to `port` in the capture file.
std::vector<BroadcastDatagram> broadcasts_in(const std::filesystem::path& pcap,
                                             std::uint16_t port = 5076);

}  // namespace integration
