// What an overlay's captures say (issue 19): on the underlay, whether everything that
// crossed between nodes was VXLAN (and which VNIs, between which endpoints); on a
// node's overlay bridge, how large the frames were. Read raw with libpcap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

namespace integration {

struct UnderlayCensus {
  std::size_t frames = 0;
  std::size_t vxlan = 0;       // IPv4/UDP to port 4789 with a VXLAN header (flag I set)
  std::size_t other_ipv4 = 0;  // any other IPv4 frame: nothing but VXLAN should cross
  std::size_t arp = 0;         // the nodes resolving each other
  std::size_t igmp = 0;        // the nodes' own membership reports (not overlay traffic)
  std::size_t largest = 0;     // bytes of the largest frame (Ethernet header included)
  std::set<std::uint32_t> vnis;
  std::set<std::string> endpoints;  // "198.18.0.11>198.18.0.12"
};

UnderlayCensus underlay_census(const std::filesystem::path& pcap);

// Bytes of the largest frame in a capture (Ethernet header included).
std::size_t largest_frame(const std::filesystem::path& pcap);

}  // namespace integration
