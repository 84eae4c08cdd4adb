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

IpAddress ipv6_at(const Byte* p) {
  IpAddress address;
  std::copy_n(p, address.octets.size(), address.octets.begin());
  return address;
}

ParsedIp malformed() {
  ParsedIp parsed;
  parsed.drop = DropReason::kMalformed;
  return parsed;
}

ParsedIp parse_ipv4(std::span<const Byte> frame) {
  // RFC 791 section 3.1: version, IHL in 32-bit words, total length incl. header.
  const std::span<const Byte> ip_bytes = frame.subspan(kEthernetHeaderSize);
  const Byte* const ip = ip_bytes.data();
  const std::size_t ihl = ip_bytes.size() < kIpv4MinHeaderSize ? 0 : std::size_t{ip[0] & 0x0fU} * 4;
  const std::size_t total = ihl == 0 ? 0 : load_be16(ip + 2);
  if (ihl < kIpv4MinHeaderSize || (ip[0] >> 4) != 4 || total < ihl || total > ip_bytes.size()) {
    return malformed();
  }
  ParsedIp parsed;
  IpFrameView& v = parsed.view;
  v.ip_header_size = ihl;
  v.ip_total_length = total;
  v.ip_source = IpAddress::from_v4(Ipv4Address{load_be32(ip + 12)});
  v.ip_destination = IpAddress::from_v4(Ipv4Address{load_be32(ip + 16)});
  v.identification = load_be16(ip + 4);
  const std::uint16_t flags_offset = load_be16(ip + 6);
  v.offset = static_cast<std::size_t>(flags_offset & kIpv4OffsetMask) * 8;
  v.more = (flags_offset & kIpv4MoreFragments) != 0;
  v.df = (flags_offset & kIpv4DontFragment) != 0;
  v.protocol = ip[9];
  return parsed;
}

// RFC 8200 sections 4 and 4.5: the fixed header, then a chain of extension headers, each
// naming the next. Walked with a bound on count and bytes; stops at the upper-layer
// header, or after the fragment header of a real fragment (only the first fragment holds
// the rest of the chain, and only reassembly can read it).
ParsedIp parse_ipv6(std::span<const Byte> frame) {
  const std::span<const Byte> ip_bytes = frame.subspan(kEthernetHeaderSize);
  const Byte* const ip = ip_bytes.data();
  if (ip_bytes.size() < kIpv6HeaderSize || (ip[0] >> 4) != 6) return malformed();
  const std::size_t total = kIpv6HeaderSize + load_be16(ip + 4);
  if (total > ip_bytes.size()) return malformed();

  ParsedIp parsed;
  IpFrameView& v = parsed.view;
  v.ipv6 = true;
  v.ip_total_length = total;
  v.ip_source = ipv6_at(ip + 8);
  v.ip_destination = ipv6_at(ip + 24);
  v.unfragmentable_size = kIpv6HeaderSize;
  v.unfragmentable_next_field = 6;

  std::uint8_t next = ip[6];
  std::size_t next_field = 6;  // where `next` was read
  std::size_t at = kIpv6HeaderSize;
  std::size_t headers = 0;
  bool fragment_seen = false;
  for (;;) {
    const bool extension = next == kNextHeaderHopByHop || next == kNextHeaderRouting ||
                           next == kNextHeaderDestination || next == kNextHeaderFragment;
    if (!extension) break;
    // Hop-by-hop options may only follow the fixed header (RFC 8200 section 4.1).
    if (next == kNextHeaderHopByHop && at != kIpv6HeaderSize) return malformed();
    if (++headers > kIpv6MaxExtensionHeaders) {
      parsed.drop = DropReason::kExtensionChain;
      return parsed;
    }
    if (at + 8 > total) return malformed();
    const std::size_t size =
        next == kNextHeaderFragment ? kIpv6FragmentHeaderSize : (std::size_t{ip[at + 1]} + 1) * 8;
    if (at + size > total) return malformed();
    if (at + size - kIpv6HeaderSize > kIpv6MaxExtensionBytes) {
      parsed.drop = DropReason::kExtensionChain;
      return parsed;
    }
    if (next == kNextHeaderFragment) {
      if (fragment_seen) return malformed();  // one fragment header per packet
      fragment_seen = true;
      // What precedes the fragment header is what every fragment repeated.
      v.unfragmentable_size = at;
      v.unfragmentable_next_field = next_field;
      const std::uint16_t offset_flags = load_be16(ip + at + 2);
      v.offset = offset_flags & kIpv6OffsetMask;
      v.more = (offset_flags & kIpv6MoreFragments) != 0;
      v.identification = load_be32(ip + at + 4);
    } else if (!fragment_seen && (next == kNextHeaderHopByHop || next == kNextHeaderRouting)) {
      // Hop-by-hop and routing headers (and destination options before a routing
      // header) belong to the unfragmentable part.
      v.unfragmentable_size = at + size;
      v.unfragmentable_next_field = at;
    }
    next_field = at;
    next = ip[at];
    at += size;
    // A real fragment: the rest of the chain is in the first fragment's data.
    if (v.is_fragment()) break;
  }
  v.ip_header_size = at;
  v.protocol = next;
  return parsed;
}

}  // namespace

std::optional<EthernetView> parse_ethernet(std::span<const Byte> frame) {
  if (frame.size() < kEthernetHeaderSize) return std::nullopt;
  return EthernetView{frame, mac_at(frame.data()), mac_at(frame.data() + 6),
                      load_be16(frame.data() + 12)};
}

ParsedIp parse_ip_frame(const EthernetView& ethernet) {
  ParsedIp parsed;
  if (ethernet.ethertype == kEthertypeIpv4) {
    parsed = parse_ipv4(ethernet.bytes);
  } else if (ethernet.ethertype == kEthertypeIpv6) {
    parsed = parse_ipv6(ethernet.bytes);
  } else {
    parsed.drop = DropReason::kNotIpv4;
    return parsed;
  }
  if (parsed.drop) return parsed;
  parsed.view.bytes = ethernet.bytes;
  parsed.view.destination_mac = ethernet.destination_mac;
  parsed.view.source_mac = ethernet.source_mac;
  return parsed;
}

ParsedIp parse_ip_frame(std::span<const Byte> frame) {
  const std::optional<EthernetView> ethernet = parse_ethernet(frame);
  return ethernet ? parse_ip_frame(*ethernet) : malformed();
}

ParsedFrame parse_udp_datagram(const IpFrameView& ip) {
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
  // RFC 768: the UDP length covers header and data; it must fill the IP payload.
  const std::span<const Byte> payload = ip.ip_payload();
  if (payload.size() < kUdpHeaderSize || load_be16(payload.data() + 4) != payload.size()) {
    parsed.drop = DropReason::kMalformed;
    return parsed;
  }
  const Byte* const udp = payload.data();
  // Over IPv6 a zero checksum is not "none" but invalid (RFC 8200 section 8.1): every
  // receiver discards it, so relaying it would only spread a broken datagram.
  if (ip.ipv6 && load_be16(udp + 6) == 0) {
    parsed.drop = DropReason::kMalformed;
    return parsed;
  }
  FrameView& v = parsed.view;
  v.bytes = ip.bytes;
  v.destination_mac = ip.destination_mac;
  v.source_mac = ip.source_mac;
  v.ipv6 = ip.ipv6;
  v.ip_header_size = ip.ip_header_size;
  v.ip_total_length = ip.ip_total_length;
  v.ip_source = ip.ip_source;
  v.ip_destination = ip.ip_destination;
  v.dont_fragment = ip.dont_fragment();
  v.unfragmentable_size = ip.unfragmentable_size;
  v.unfragmentable_next_field = ip.unfragmentable_next_field;
  v.udp_source_port = load_be16(udp);
  v.udp_destination_port = load_be16(udp + 2);
  v.udp_checksum = load_be16(udp + 6);
  v.udp_payload = payload.subspan(kUdpHeaderSize);
  return parsed;
}

}  // namespace snowsignal
