#include "segment_capture.h"

#include <pcap/pcap.h>

#include <span>
#include <stdexcept>

#include "checksum.h"
#include "frame_view.h"
#include "traffic_kinds.h"

namespace integration {

namespace {

bool ip_checksum_ok(std::span<const std::uint8_t> ip_header) {
  // A header whose checksum is right sums (checksum included) to 0xFFFF (RFC 1071).
  return snowsignal::finish_checksum(snowsignal::ones_complement_sum(ip_header)) == 0;
}

bool udp_checksum_ok(const snowsignal::FrameView& v, std::span<const std::uint8_t> udp) {
  if (v.udp_checksum == 0) return false;
  std::vector<std::uint8_t> zeroed(udp.begin(), udp.end());
  zeroed[6] = zeroed[7] = 0;
  return snowsignal::udp_checksum(v.ip_source, v.ip_destination, zeroed) == v.udp_checksum;
}

}  // namespace

std::vector<BroadcastDatagram> broadcasts_in(const std::filesystem::path& pcap_file,
                                             std::uint16_t port) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* handle = pcap_open_offline(pcap_file.c_str(), error);
  if (handle == nullptr) throw std::runtime_error(pcap_file.string() + ": " + error);
  std::vector<BroadcastDatagram> out;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const snowsignal::TrafficKinds broadcasts(snowsignal::TrafficConfig{{port}, {}});
  while (pcap_next_ex(handle, &header, &data) == 1) {
    const std::span<const std::uint8_t> frame(data, header->caplen);
    const auto parsed = broadcasts.classify(frame);
    if (parsed.drop || parsed.fragment) continue;
    const auto& v = parsed.view;
    const auto ip = frame.subspan(snowsignal::kEthernetHeaderSize, v.ip_header_size);
    const auto udp = frame.subspan(snowsignal::kEthernetHeaderSize + v.ip_header_size,
                                   v.ip_total_length - v.ip_header_size);
    out.push_back({v.source_mac.to_string(), v.ip_source.to_string(), v.ip_destination.to_string(),
                   v.udp_source_port,
                   std::vector<std::uint8_t>(v.udp_payload.begin(), v.udp_payload.end()),
                   ip_checksum_ok(ip), udp_checksum_ok(v, udp)});
  }
  pcap_close(handle);
  return out;
}

std::vector<Ipv4Fragment> fragments_in(const std::filesystem::path& pcap_file,
                                       const std::string& ip_destination) {
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* handle = pcap_open_offline(pcap_file.c_str(), error);
  if (handle == nullptr) throw std::runtime_error(pcap_file.string() + ": " + error);
  std::vector<Ipv4Fragment> out;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(handle, &header, &data) == 1) {
    const std::span<const std::uint8_t> frame(data, header->caplen);
    const auto parsed = snowsignal::parse_ip_frame(frame);
    if (parsed.drop || parsed.view.ipv6 || !parsed.view.is_fragment()) continue;
    const auto& v = parsed.view;
    if (v.ip_destination.to_string() != ip_destination) continue;
    out.push_back(
        {v.source_mac.to_string(), v.ip_source.to_string(),
         static_cast<std::uint16_t>(v.identification), v.fragment_offset(), v.more_fragments(),
         v.ip_total_length,
         ip_checksum_ok(frame.subspan(snowsignal::kEthernetHeaderSize, v.ip_header_size))});
  }
  pcap_close(handle);
  return out;
}

}  // namespace integration
