// Zero-copy parse of an Ethernet II / IPv4 / UDP frame, in two layers: the IPv4 header
// (every fragment has one) and the UDP datagram (only a whole datagram has one). The
// views point into the caller's bytes; nothing is copied or allocated. Which frames the
// relay carries is decided by the classifier (traffic_kinds.h), not here.
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
inline constexpr std::uint8_t kProtocolUdp = 17;
inline constexpr std::uint16_t kIpv4DontFragment = 0x4000;
inline constexpr std::uint16_t kIpv4MoreFragments = 0x2000;
inline constexpr std::uint16_t kIpv4OffsetMask = 0x1fff;

// Ethernet II + a checked IPv4 header.
struct Ipv4FrameView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress destination_mac;
  MacAddress source_mac;
  std::size_t ip_header_size = 0;
  std::size_t ip_total_length = 0;  // IPv4 total length: header + payload
  Ipv4Address ip_source;
  Ipv4Address ip_destination;
  std::uint16_t identification = 0;
  std::uint16_t flags_offset = 0;  // flags (3 bits) and fragment offset (13 bits, 8-byte units)
  std::uint8_t protocol = 0;

  bool more_fragments() const { return (flags_offset & kIpv4MoreFragments) != 0; }
  std::size_t fragment_offset() const {
    return static_cast<std::size_t>(flags_offset & kIpv4OffsetMask) * 8;
  }
  bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  bool dont_fragment() const { return (flags_offset & kIpv4DontFragment) != 0; }
  std::span<const Byte> ip_payload() const {
    return bytes.subspan(kEthernetHeaderSize + ip_header_size, ip_total_length - ip_header_size);
  }
};

// A whole (unfragmented) UDP datagram in an Ethernet II frame.
struct FrameView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress destination_mac;
  MacAddress source_mac;
  std::size_t ip_header_size = 0;
  std::size_t ip_total_length = 0;  // IPv4 total length: header + UDP header + payload
  Ipv4Address ip_source;
  Ipv4Address ip_destination;
  bool dont_fragment = false;
  std::uint16_t udp_source_port = 0;
  std::uint16_t udp_destination_port = 0;
  std::uint16_t udp_checksum = 0;
  std::span<const Byte> udp_payload;

  // The frame without Ethernet padding: what needs to go on the wire again.
  std::size_t frame_size() const { return kEthernetHeaderSize + ip_total_length; }
};

struct ParsedIpv4 {
  std::optional<DropReason> drop;  // set: the frame is rejected for this reason
  Ipv4FrameView view;              // valid only when drop is unset
};

struct ParsedFrame {
  std::optional<DropReason> drop;  // set: the frame is rejected for this reason
  FrameView view;                  // valid only when drop is unset
};

MacAddress source_mac_of(std::span<const Byte> frame);
MacAddress destination_mac_of(std::span<const Byte> frame);

// Ethertype IPv4 (else not_ipv4), version 4, IHL >= 5, a total length within the bytes
// (else malformed). MACs, addresses, protocol and fragmentation are reported, not judged.
ParsedIpv4 parse_ipv4_frame(std::span<const Byte> frame);

// The UDP datagram of a parsed IPv4 frame: not a fragment (else fragment), protocol UDP
// (else not_udp), UDP length equal to the IPv4 payload (else malformed).
ParsedFrame parse_udp_datagram(const Ipv4FrameView& ip);

}  // namespace snowsignal
