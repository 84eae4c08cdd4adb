#include "frame_view.h"

#include <algorithm>

#include "byte_order.h"

namespace snowsignal {

namespace {

ParsedFrame reject(DropReason reason) {
  return ParsedFrame{reason, {}};
}

MacAddress mac_at(const Byte* p) {
  MacAddress mac;
  std::copy_n(p, mac.octets.size(), mac.octets.begin());
  return mac;
}

}  // namespace

MacAddress source_mac_of(std::span<const Byte> frame) {
  return mac_at(frame.data() + 6);
}

ParsedFrame parse_broadcast_frame(std::span<const Byte> frame, std::uint16_t port) {
  if (frame.size() < kEthernetHeaderSize) return reject(DropReason::kMalformed);
  const Byte* const eth = frame.data();
  if (mac_at(eth) != MacAddress::broadcast()) return reject(DropReason::kNotBroadcast);
  if (load_be16(eth + 12) != kEthertypeIpv4) return reject(DropReason::kNotIpv4);

  // RFC 791 section 3.1: version, IHL in 32-bit words, total length incl. header.
  const std::span<const Byte> ip_bytes = frame.subspan(kEthernetHeaderSize);
  if (ip_bytes.size() < kIpv4MinHeaderSize) return reject(DropReason::kMalformed);
  const Byte* const ip = ip_bytes.data();
  if ((ip[0] >> 4) != 4) return reject(DropReason::kMalformed);
  const std::size_t ihl = std::size_t{ip[0] & 0x0fU} * 4;
  const std::size_t total = load_be16(ip + 2);
  if (ihl < kIpv4MinHeaderSize || total < ihl || total > ip_bytes.size()) {
    return reject(DropReason::kMalformed);
  }
  // More-fragments flag or a non-zero offset: only part of a datagram is here. A BPF
  // port filter matches the first fragment only, so the rest never reaches us and a
  // partial datagram must not be relayed.
  const std::uint16_t flags_offset = load_be16(ip + 6);
  if ((flags_offset & 0x2000U) != 0 || (flags_offset & 0x1fffU) != 0) {
    return reject(DropReason::kFragment);
  }
  if (ip[9] != kProtocolUdp) return reject(DropReason::kNotUdp);

  // RFC 768: the UDP length covers header and data; it must fill the IPv4 payload.
  if (total - ihl < kUdpHeaderSize) return reject(DropReason::kMalformed);
  const Byte* const udp = ip + ihl;
  const std::size_t udp_length = load_be16(udp + 4);
  if (udp_length != total - ihl) return reject(DropReason::kMalformed);
  const std::uint16_t dst_port = load_be16(udp + 2);
  if (dst_port != port) return reject(DropReason::kWrongPort);

  ParsedFrame parsed;
  FrameView& v = parsed.view;
  v.bytes = frame;
  v.source_mac = mac_at(eth + 6);
  v.ip_header_size = ihl;
  v.ip_total_length = total;
  v.ip_source = Ipv4Address{load_be32(ip + 12)};
  v.ip_destination = Ipv4Address{load_be32(ip + 16)};
  v.udp_source_port = load_be16(udp);
  v.udp_destination_port = dst_port;
  v.udp_checksum = load_be16(udp + 6);
  v.udp_payload = ip_bytes.subspan(ihl + kUdpHeaderSize, udp_length - kUdpHeaderSize);
  return parsed;
}

}  // namespace snowsignal
