// Test frames built by libtins' own serialisation, so our parser, rewrite and checksums
// are checked against an independent implementation.
#pragma once

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/ip_reassembler.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "peer_ip.h"
#include "snowsignal/net_types.h"

namespace snowsignal::testing {

using Bytes = std::vector<std::uint8_t>;

inline constexpr const char* kClientMac = "02:00:00:00:01:0a";
inline constexpr const char* kOurMac = "02:00:00:00:02:02";

struct FrameSpec {
  std::string eth_dst = "ff:ff:ff:ff:ff:ff";
  std::string eth_src = kClientMac;
  std::string ip_src = "198.18.1.10";
  std::string ip_dst = "198.18.1.255";
  std::uint16_t sport = 40000;
  std::uint16_t dport = 5076;
  Bytes payload = Bytes(53, 0xCA);
  std::uint8_t ttl = 64;
};

inline Tins::EthernetII build_pdu(const FrameSpec& spec) {
  Tins::IP ip_header(spec.ip_dst, spec.ip_src);
  ip_header.ttl(spec.ttl);
  return Tins::EthernetII(spec.eth_dst, spec.eth_src) / ip_header /
         Tins::UDP(spec.dport, spec.sport) / Tins::RawPDU(spec.payload);
}

inline Bytes build_frame(const FrameSpec& spec) {
  Tins::EthernetII frame = build_pdu(spec);
  return frame.serialize();
}

inline Bytes build_frame() {
  return build_frame(FrameSpec{});
}

// A broadcast whose IPv4 header carries 4 bytes of options (IHL 6).
inline Bytes build_frame_with_ip_options(const Bytes& payload) {
  Tins::IP ip_header("198.18.1.255", "198.18.1.10");
  ip_header.add_option(Tins::IP::option(Tins::IP::NOOP));
  ip_header.add_option(Tins::IP::option(Tins::IP::NOOP));
  ip_header.add_option(Tins::IP::option(Tins::IP::NOOP));
  ip_header.add_option(Tins::IP::option(Tins::IP::END));
  Tins::EthernetII frame =
      Tins::EthernetII(Tins::EthernetII::BROADCAST, Tins::EthernetII::address_type(kClientMac)) /
      ip_header / Tins::UDP(5076, 1234) / Tins::RawPDU(payload);
  return frame.serialize();
}

// The datagram in `frame` (IHL 5) cut into IPv4 fragments of at most `mtu` bytes, the
// way a sender's kernel does it. Written here independently of the relay's fragmenter.
inline std::vector<Bytes> split_into_fragments(const Bytes& frame, std::size_t mtu) {
  const std::size_t ihl = 20;
  const std::size_t total = (std::size_t{frame[16]} << 8) | frame[17];
  const std::size_t room = (mtu - ihl) / 8 * 8;
  std::vector<Bytes> fragments;
  for (std::size_t offset = 0; offset < total - ihl; offset += room) {
    const std::size_t length = std::min(room, total - ihl - offset);
    Bytes f(34 + length);
    std::copy_n(frame.begin(), 34, f.begin());
    std::copy_n(frame.begin() + static_cast<std::ptrdiff_t>(34 + offset), length, f.begin() + 34);
    const std::size_t f_total = ihl + length;
    f[16] = static_cast<std::uint8_t>(f_total >> 8);
    f[17] = static_cast<std::uint8_t>(f_total);
    const bool more = offset + length < total - ihl;
    const std::size_t flags = (more ? 0x2000U : 0U) | (offset / 8);
    f[20] = static_cast<std::uint8_t>(flags >> 8);
    f[21] = static_cast<std::uint8_t>(flags);
    f[24] = f[25] = 0;
    std::uint32_t sum = 0;
    for (std::size_t i = 14; i < 34; i += 2) sum += (std::uint32_t{f[i]} << 8) | f[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    f[24] = static_cast<std::uint8_t>(~sum >> 8);
    f[25] = static_cast<std::uint8_t>(~sum);
    fragments.push_back(std::move(f));
  }
  return fragments;
}

// Reassembles fragments with libtins' own reassembler (an implementation independent of
// ours); returns the whole frame, or nothing if they do not make one datagram.
inline Bytes reassemble_with_libtins(const std::vector<Bytes>& fragments) {
  Tins::IPv4Reassembler reassembler;
  for (const Bytes& bytes : fragments) {
    Tins::EthernetII frame(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    if (reassembler.process(frame) == Tins::IPv4Reassembler::REASSEMBLED) return frame.serialize();
  }
  return {};
}

inline Ipv4Address ip(const char* dotted) {
  return *Ipv4Address::parse(dotted);
}

// An address of either family as the frame views and the traffic table hold it: IPv4
// mapped ("198.18.1.10"), or IPv6 ("ff15::1"). The same parse as peer_ip(), named for
// frame addresses and groups.
inline IpAddress addr(const char* text) {
  return peer_ip(text);
}

inline MacAddress mac(const std::string& text) {
  const Tins::HWAddress<6> hw(text);
  MacAddress out;
  std::copy(hw.begin(), hw.end(), out.octets.begin());
  return out;
}

inline Bytes mesh_v1(const Bytes& frame) {
  Bytes datagram(frame.size() + 2);
  datagram[0] = 'S';
  datagram[1] = 'S';
  std::copy(frame.begin(), frame.end(), datagram.begin() + 2);
  return datagram;
}

}  // namespace snowsignal::testing
