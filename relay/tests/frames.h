// Test frames built by libtins' own serialisation, so our parser, rewrite and checksums
// are checked against an independent implementation.
#pragma once

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <cstdint>
#include <string>
#include <vector>

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
};

inline Bytes build_frame(const FrameSpec& spec) {
  Tins::EthernetII frame = Tins::EthernetII(spec.eth_dst, spec.eth_src) /
                           Tins::IP(spec.ip_dst, spec.ip_src) / Tins::UDP(spec.dport, spec.sport) /
                           Tins::RawPDU(spec.payload);
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

inline Ipv4Address ip(const char* dotted) {
  return *Ipv4Address::parse(dotted);
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
