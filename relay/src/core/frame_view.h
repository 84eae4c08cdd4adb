// Zero-copy parse of an Ethernet II frame carrying IPv4 or IPv6 and UDP, in two layers:
// the IP header (every fragment has one; for IPv6 the fixed header and a bounded walk of
// its extension headers) and the UDP datagram (only a whole datagram has one). The views
// point into the caller's bytes; nothing is copied or allocated. Which frames the relay
// carries is decided by the classifier (traffic_kinds.h), not here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "snowsignal/counters.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::size_t kIpv4MinHeaderSize = 20;
inline constexpr std::size_t kIpv4MaxHeaderSize = 60;
inline constexpr std::size_t kIpv4MaxTotalLength = 65535;
inline constexpr std::size_t kUdpHeaderSize = 8;
inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthertypeIpv6 = 0x86DD;
inline constexpr std::uint8_t kProtocolUdp = 17;
inline constexpr std::uint16_t kIpv4DontFragment = 0x4000;
inline constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
inline constexpr std::uint16_t kIpv4OffsetMask = 0x1fff;

// IPv6 (RFC 8200): the fixed header, the extension headers the relay walks past, and
// the bound of that walk. Real discovery traffic carries none or one (a fragment
// header); the bound keeps a hostile chain from costing more than a few steps.
inline constexpr std::size_t kIpv6HeaderSize = 40;
inline constexpr std::size_t kIpv6MaxPayloadLength = 65535;
inline constexpr std::size_t kIpv6FragmentHeaderSize = 8;
inline constexpr std::size_t kIpv6MaxExtensionHeaders = 8;
inline constexpr std::size_t kIpv6MaxExtensionBytes = 512;
inline constexpr std::size_t kIpv6MaxHeaderSize = kIpv6HeaderSize + kIpv6MaxExtensionBytes;
inline constexpr std::uint8_t kNextHeaderHopByHop = 0;
inline constexpr std::uint8_t kNextHeaderRouting = 43;
inline constexpr std::uint8_t kNextHeaderFragment = 44;
inline constexpr std::uint8_t kNextHeaderDestination = 60;
inline constexpr std::uint16_t kIpv6MoreFragments = 0x0001;
inline constexpr std::uint16_t kIpv6OffsetMask = 0xfff8;
// IPv6 links carry at least 1280 bytes (RFC 8200 section 5); IPv4 at least 68 (RFC 791).
inline constexpr std::size_t kIpv6MinimumMtu = 1280;
inline constexpr std::size_t kIpv4MinimumMtu = 68;

// The largest IP header and packet of either family: an IPv6 packet is its 40-byte
// header plus a payload of up to 65535 bytes.
inline constexpr std::size_t kIpMaxHeaderSize = kIpv6MaxHeaderSize;
inline constexpr std::size_t kIpMaxPacketSize = kIpv6HeaderSize + kIpv6MaxPayloadLength;

// Ethernet II + a checked IPv4 or IPv6 header.
struct IpFrameView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress destination_mac;
  MacAddress source_mac;
  bool ipv6 = false;
  // IPv4: the header (IHL). IPv6: the fixed header and the extension headers up to the
  // upper-layer header, or, in a fragment, up to and including the fragment header.
  std::size_t ip_header_size = 0;
  std::size_t ip_total_length = 0;  // IPv4 total length; IPv6 40 + payload length
  IpAddress ip_source;              // IPv4 held mapped (net_types.h)
  IpAddress ip_destination;
  std::uint32_t identification = 0;  // IPv4: 16 bits; IPv6: the fragment header's 32
  std::size_t offset = 0;            // fragment offset in bytes
  bool more = false;                 // more fragments follow
  bool df = false;                   // IPv4 DF; IPv6 has none (only a source fragments)
  // IPv4: the protocol. IPv6: the next header after the walk (in a fragment: the first
  // header of the fragmentable part, RFC 8200 section 4.5).
  std::uint8_t protocol = 0;
  // IPv6 only: the part every fragment repeats (fixed header, hop-by-hop and routing
  // headers, RFC 8200 section 4.5), and the offset (from the IP header) of the
  // next-header byte that names what follows it.
  std::size_t unfragmentable_size = 0;
  std::size_t unfragmentable_next_field = 0;

  bool more_fragments() const { return more; }
  std::size_t fragment_offset() const { return offset; }
  bool is_fragment() const { return more || offset != 0; }
  bool dont_fragment() const { return df; }
  std::span<const Byte> ip_payload() const {
    return bytes.subspan(kEthernetHeaderSize + ip_header_size, ip_total_length - ip_header_size);
  }
};

// A whole (unfragmented) UDP datagram in an Ethernet II frame.
struct FrameView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress destination_mac;
  MacAddress source_mac;
  bool ipv6 = false;
  std::size_t ip_header_size = 0;   // from the IP header to the UDP header
  std::size_t ip_total_length = 0;  // IP header(s) + UDP header + payload
  IpAddress ip_source;              // IPv4 held mapped (net_types.h)
  IpAddress ip_destination;
  bool dont_fragment = false;
  std::size_t unfragmentable_size = 0;        // IPv6 only, as in IpFrameView
  std::size_t unfragmentable_next_field = 0;  // IPv6 only, as in IpFrameView
  std::uint16_t udp_source_port = 0;
  std::uint16_t udp_destination_port = 0;
  std::uint16_t udp_checksum = 0;
  std::span<const Byte> udp_payload;

  // The frame without Ethernet padding: what needs to go on the wire again.
  std::size_t frame_size() const { return kEthernetHeaderSize + ip_total_length; }
  // The smallest MTU this datagram may be fragmented for.
  std::size_t minimum_mtu() const { return ipv6 ? kIpv6MinimumMtu : kIpv4MinimumMtu; }
};

struct ParsedIp {
  std::optional<DropReason> drop;  // set: the frame is rejected for this reason
  IpFrameView view;                // valid only when drop is unset
};

struct ParsedFrame {
  std::optional<DropReason> drop;  // set: the frame is rejected for this reason
  FrameView view;                  // valid only when drop is unset
};

// Ethernet II: both MACs and the ethertype, read once. The classifier and the loop
// guard ask this view; the IP layer is parsed from it, not from the bytes again.
struct EthernetView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress destination_mac;
  MacAddress source_mac;
  std::uint16_t ethertype = 0;
};

// nullopt when the frame is shorter than an Ethernet header.
std::optional<EthernetView> parse_ethernet(std::span<const Byte> frame);

// Ethertype IPv4 or IPv6 (else not_ipv4). IPv4: version 4, IHL >= 5, a total length
// within the bytes (else malformed). IPv6: version 6, a payload length within the bytes,
// extension headers (hop-by-hop first only, routing, destination options, at most one
// fragment header) each within the payload (else malformed), at most
// kIpv6MaxExtensionHeaders of them and kIpv6MaxExtensionBytes in all (else
// extension_chain). MACs, addresses, protocol and fragmentation are reported, not judged.
ParsedIp parse_ip_frame(const EthernetView& ethernet);
// The same from raw bytes (malformed when shorter than an Ethernet header), for callers
// that look at one layer only.
ParsedIp parse_ip_frame(std::span<const Byte> frame);

// The UDP datagram of a parsed frame: not a fragment (else fragment), protocol UDP
// (else not_udp), UDP length equal to the IP payload (else malformed), and over IPv6 a
// checksum, which is mandatory there (RFC 8200 section 8.1; else malformed).
ParsedFrame parse_udp_datagram(const IpFrameView& ip);

}  // namespace snowsignal
