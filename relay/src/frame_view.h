// Zero-copy parse of an Ethernet II / IPv4 / UDP broadcast frame. The view points into
// the caller's bytes; nothing is copied or allocated.
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
inline constexpr std::size_t kUdpHeaderSize = 8;
inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint8_t kProtocolUdp = 17;

struct FrameView {
  std::span<const Byte> bytes;  // the frame as given, possibly with Ethernet padding
  MacAddress source_mac;
  std::size_t ip_header_size = 0;
  std::size_t ip_total_length = 0;  // IPv4 total length: header + UDP header + payload
  Ipv4Address ip_source;
  Ipv4Address ip_destination;
  std::uint16_t udp_source_port = 0;
  std::uint16_t udp_destination_port = 0;
  std::uint16_t udp_checksum = 0;
  std::span<const Byte> udp_payload;

  // The frame without Ethernet padding: what needs to go on the wire again.
  std::size_t frame_size() const { return kEthernetHeaderSize + ip_total_length; }
};

struct ParsedFrame {
  std::optional<DropReason> drop;  // set: the frame is rejected for this reason
  FrameView view;                  // valid only when drop is unset
};

MacAddress source_mac_of(std::span<const Byte> frame);

// Accepts only what a relay may carry: Ethernet destination ff:ff:ff:ff:ff:ff, ethertype
// IPv4, version 4, IHL >= 5, a total length that fits the bytes, not a fragment, UDP with
// a length equal to the IPv4 payload, destination port `port`. The Ethernet source is
// not judged here (the caller knows the host's MACs).
ParsedFrame parse_broadcast_frame(std::span<const Byte> frame, std::uint16_t port);

}  // namespace snowsignal
