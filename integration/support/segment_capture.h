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
  std::string source_mac;  // aa:bb:cc:dd:ee:ff
  std::string ip_source;   // dotted quad
  std::string ip_destination;
  std::uint16_t udp_source_port = 0;
  std::vector<std::uint8_t> payload;
  bool ip_checksum_ok = false;
  bool udp_checksum_ok = false;  // a zero UDP checksum ("none") counts as not ok
};

// Every Ethernet-broadcast IPv4/UDP frame to `port` in the capture file.
std::vector<BroadcastDatagram> broadcasts_in(const std::filesystem::path& pcap,
                                             std::uint16_t port = 5076);

// One IPv4 fragment (MF set or a non-zero offset) seen on a segment.
struct Ipv4Fragment {
  std::string source_mac;
  std::string ip_source;
  std::uint16_t identification = 0;
  std::size_t offset = 0;  // bytes
  bool more_fragments = false;
  std::size_t ip_total_length = 0;
  bool ip_checksum_ok = false;
};

// Every IPv4 fragment to `ip_destination` (dotted quad) in the capture file.
std::vector<Ipv4Fragment> fragments_in(const std::filesystem::path& pcap,
                                       const std::string& ip_destination);

}  // namespace integration
