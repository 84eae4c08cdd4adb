#include "overlay_capture.h"

#include <pcap/pcap.h>

#include <stdexcept>
#include <string>

namespace integration {

namespace {

std::string dotted(const std::uint8_t* a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

template <typename Frame>
void each_frame(const std::filesystem::path& file, Frame&& frame) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* handle = pcap_open_offline(file.c_str(), error);
  if (handle == nullptr) throw std::runtime_error(file.string() + ": " + error);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(handle, &header, &data) == 1) frame(data, header->caplen, header->len);
  pcap_close(handle);
}

}  // namespace

UnderlayCensus underlay_census(const std::filesystem::path& pcap) {
  UnderlayCensus c;
  each_frame(pcap, [&c](const std::uint8_t* f, std::size_t caplen, std::size_t len) {
    ++c.frames;
    if (len > c.largest) c.largest = len;
    if (caplen < 14) return;
    const unsigned type = (f[12] << 8) | f[13];
    if (type == 0x0806) {
      ++c.arp;
      return;
    }
    if (type != 0x0800 || caplen < 14 + 20) return;
    const std::uint8_t* ip = f + 14;
    const std::size_t ihl = (ip[0] & 0x0f) * 4u;
    const bool first_fragment = ((ip[6] & 0x1f) | ip[7]) == 0;
    const std::uint8_t* udp = ip + ihl;
    // UDP header (8) and VXLAN header (8): flags with I set, then the 24-bit VNI.
    if (ip[9] == 17 && first_fragment && caplen >= 14 + ihl + 16 &&
        ((udp[2] << 8) | udp[3]) == 4789 && (udp[8] & 0x08)) {
      ++c.vxlan;
      c.vnis.insert((std::uint32_t(udp[12]) << 16) | (std::uint32_t(udp[13]) << 8) | udp[14]);
      c.endpoints.insert(dotted(ip + 12) + ">" + dotted(ip + 16));
      return;
    }
    if (ip[9] == 2) {
      ++c.igmp;
      return;
    }
    ++c.other_ipv4;
  });
  return c;
}

std::size_t largest_frame(const std::filesystem::path& pcap) {
  std::size_t largest = 0;
  each_frame(pcap, [&largest](const std::uint8_t*, std::size_t, std::size_t len) {
    if (len > largest) largest = len;
  });
  return largest;
}

}  // namespace integration
