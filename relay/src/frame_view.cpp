#include "frame_view.h"

#include <algorithm>

#include "byte_order.h"

namespace snowsignal {

namespace {

MacAddress mac_at(const Byte* p) {
  MacAddress mac;
  std::copy_n(p, mac.octets.size(), mac.octets.begin());
  return mac;
}

}  // namespace

MacAddress source_mac_of(std::span<const Byte> frame) {
  return mac_at(frame.data() + 6);
}

MacAddress destination_mac_of(std::span<const Byte> frame) {
  return mac_at(frame.data());
}

ParsedIpv4 parse_ipv4_frame(std::span<const Byte> frame) {
  ParsedIpv4 parsed;
  if (frame.size() < kEthernetHeaderSize) {
    parsed.drop = DropReason::kMalformed;
    return parsed;
  }
  const Byte* const eth = frame.data();
  if (load_be16(eth + 12) != kEthertypeIpv4) {
    parsed.drop = DropReason::kNotIpv4;
    return parsed;
  }
  // RFC 791 section 3.1: version, IHL in 32-bit words, total length incl. header.
  const std::span<const Byte> ip_bytes = frame.subspan(kEthernetHeaderSize);
  const Byte* const ip = ip_bytes.data();
  const std::size_t ihl = ip_bytes.size() < kIpv4MinHeaderSize ? 0 : std::size_t{ip[0] & 0x0fU} * 4;
  const std::size_t total = ihl == 0 ? 0 : load_be16(ip + 2);
  if (ihl < kIpv4MinHeaderSize || (ip[0] >> 4) != 4 || total < ihl || total > ip_bytes.size()) {
    parsed.drop = DropReason::kMalformed;
    return parsed;
  }
  Ipv4FrameView& v = parsed.view;
  v.bytes = frame;
  v.destination_mac = mac_at(eth);
  v.source_mac = mac_at(eth + 6);
  v.ip_header_size = ihl;
  v.ip_total_length = total;
  v.ip_source = Ipv4Address{load_be32(ip + 12)};
  v.ip_destination = Ipv4Address{load_be32(ip + 16)};
  v.identification = load_be16(ip + 4);
  v.flags_offset = load_be16(ip + 6);
  v.protocol = ip[9];
  return parsed;
}

ParsedFrame parse_udp_datagram(const Ipv4FrameView& ip) {
  ParsedFrame parsed;
  if (ip.protocol != kProtocolUdp) {
    parsed.drop = DropReason::kNotUdp;
    return parsed;
  }
  // Only part of a datagram: the caller reassembles it first (or refuses it).
  if (ip.is_fragment()) {
    parsed.drop = DropReason::kFragment;
    return parsed;
  }
  // RFC 768: the UDP length covers header and data; it must fill the IPv4 payload.
  const std::span<const Byte> payload = ip.ip_payload();
  if (payload.size() < kUdpHeaderSize || load_be16(payload.data() + 4) != payload.size()) {
    parsed.drop = DropReason::kMalformed;
    return parsed;
  }
  const Byte* const udp = payload.data();
  FrameView& v = parsed.view;
  v.bytes = ip.bytes;
  v.destination_mac = ip.destination_mac;
  v.source_mac = ip.source_mac;
  v.ip_header_size = ip.ip_header_size;
  v.ip_total_length = ip.ip_total_length;
  v.ip_source = ip.ip_source;
  v.ip_destination = ip.ip_destination;
  v.dont_fragment = ip.dont_fragment();
  v.udp_source_port = load_be16(udp);
  v.udp_destination_port = load_be16(udp + 2);
  v.udp_checksum = load_be16(udp + 6);
  v.udp_payload = payload.subspan(kUdpHeaderSize);
  return parsed;
}

}  // namespace snowsignal
