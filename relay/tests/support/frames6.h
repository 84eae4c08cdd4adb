// IPv6 test frames, written byte by byte from RFC 8200 and RFC 768 independently of the
// relay's code: its parser, rewrite, checksum, reassembler and fragmenter are checked
// against these (and the checksum against libtins' too).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "frames.h"

namespace snowsignal::testing {

// python-can's udp_multicast default group and its Ethernet address.
inline constexpr const char* kCanGroup = "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173";
inline constexpr const char* kCanGroupMac = "33:33:6d:63:61:73";

struct Frame6Spec {
  std::string eth_dst = kCanGroupMac;
  std::string eth_src = kClientMac;
  std::string ip_src = "2001:db8:1::10";
  std::string ip_dst = kCanGroup;
  std::uint16_t sport = 40000;
  std::uint16_t dport = 43113;
  Bytes payload = Bytes(53, 0xCA);
  std::uint8_t hop_limit = 1;
  std::uint32_t flow_label = 0xabcde;
  std::uint8_t traffic_class = 0x28;
  // Extension headers before UDP, each (type, bytes with its own next-header byte 0 to
  // be filled in; length byte as given).
  std::vector<std::pair<std::uint8_t, Bytes>> extensions;
};

inline void put16(Bytes& b, std::size_t at, std::size_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

inline std::size_t get16(const Bytes& b, std::size_t at) {
  return (std::size_t{b[at]} << 8) | b[at + 1];
}

// RFC 8200 section 8.1: source, destination, 32-bit upper-layer length, 3 zero bytes,
// next header 17; then the UDP header and data, 16-bit words, one's complement.
inline std::uint16_t reference_udp6_checksum(const Bytes& src16, const Bytes& dst16,
                                             const Bytes& udp) {
  Bytes pseudo;
  pseudo.insert(pseudo.end(), src16.begin(), src16.end());
  pseudo.insert(pseudo.end(), dst16.begin(), dst16.end());
  const std::size_t length = udp.size();
  pseudo.insert(
      pseudo.end(),
      {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
       static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), 0, 0, 0, 17});
  pseudo.insert(pseudo.end(), udp.begin(), udp.end());
  if (pseudo.size() % 2 != 0) pseudo.push_back(0);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2)
    sum += static_cast<std::uint32_t>(get16(pseudo, i));
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const auto checksum = static_cast<std::uint16_t>(~sum & 0xffff);
  return checksum == 0 ? 0xffff : checksum;
}

inline Bytes octets(const std::string& address) {
  const IpAddress a = *IpAddress::parse(address);
  return Bytes(a.octets.begin(), a.octets.end());
}

// Whether the UDP checksum of the whole IPv6 frame `frame` (UDP at `udp_at`) is right.
inline bool udp6_checksum_valid(const Bytes& frame, std::size_t udp_at) {
  Bytes udp(frame.begin() + static_cast<std::ptrdiff_t>(udp_at), frame.end());
  const std::size_t sent = get16(udp, 6);
  udp[6] = udp[7] = 0;
  const Bytes src(frame.begin() + 22, frame.begin() + 38);
  const Bytes dst(frame.begin() + 38, frame.begin() + 54);
  return sent == reference_udp6_checksum(src, dst, udp);
}

inline Bytes build_frame6(const Frame6Spec& spec) {
  Bytes udp(8 + spec.payload.size());
  put16(udp, 0, spec.sport);
  put16(udp, 2, spec.dport);
  put16(udp, 4, udp.size());
  std::copy(spec.payload.begin(), spec.payload.end(), udp.begin() + 8);
  put16(udp, 6, reference_udp6_checksum(octets(spec.ip_src), octets(spec.ip_dst), udp));

  Bytes extensions;
  std::uint8_t first = 17;
  for (std::size_t i = spec.extensions.size(); i-- > 0;) {
    Bytes header = spec.extensions[i].second;
    header[0] = first;
    first = spec.extensions[i].first;
    extensions.insert(extensions.begin(), header.begin(), header.end());
  }
  Bytes frame(14 + 40);
  const MacAddress dst = mac(spec.eth_dst);
  const MacAddress src = mac(spec.eth_src);
  std::copy(dst.octets.begin(), dst.octets.end(), frame.begin());
  std::copy(src.octets.begin(), src.octets.end(), frame.begin() + 6);
  put16(frame, 12, 0x86dd);
  const std::uint32_t word =
      (6U << 28) | (std::uint32_t{spec.traffic_class} << 20) | spec.flow_label;
  put16(frame, 14, word >> 16);
  put16(frame, 16, word & 0xffff);
  put16(frame, 18, extensions.size() + udp.size());
  frame[20] = first;
  frame[21] = spec.hop_limit;
  const Bytes s = octets(spec.ip_src);
  const Bytes d = octets(spec.ip_dst);
  std::copy(s.begin(), s.end(), frame.begin() + 22);
  std::copy(d.begin(), d.end(), frame.begin() + 38);
  frame.insert(frame.end(), extensions.begin(), extensions.end());
  frame.insert(frame.end(), udp.begin(), udp.end());
  return frame;
}

inline Bytes build_frame6() {
  return build_frame6(Frame6Spec{});
}

// An 8-byte hop-by-hop or destination options header of PadN only.
inline Bytes padding_header() {
  return Bytes{0, 0, 1, 4, 0, 0, 0, 0};
}

// The whole IPv6 frame `frame` (no extension headers) cut into fragments of at most
// `mtu` bytes with identification `id`, the way a sender's kernel does it.
inline std::vector<Bytes> split_into_fragments6(const Bytes& frame, std::size_t mtu,
                                                std::uint32_t id) {
  const std::size_t total = 40 + get16(frame, 18);
  const std::size_t rest = total - 40;
  const std::size_t room = (mtu - 48) / 8 * 8;
  std::vector<Bytes> fragments;
  for (std::size_t offset = 0; offset < rest; offset += room) {
    const std::size_t length = std::min(room, rest - offset);
    Bytes f(14 + 48 + length);
    std::copy_n(frame.begin(), 54, f.begin());
    f[20] = 44;
    put16(f, 18, 8 + length);
    f[54] = frame[20];
    f[55] = 0;
    const bool more = offset + length < rest;
    put16(f, 56, offset | (more ? 1U : 0U));
    put16(f, 58, id >> 16);
    put16(f, 60, id & 0xffff);
    std::copy_n(frame.begin() + static_cast<std::ptrdiff_t>(54 + offset), length, f.begin() + 62);
    fragments.push_back(std::move(f));
  }
  return fragments;
}

// Puts IPv6 fragments (no other extension headers) together the way a receiver's kernel
// does; empty if they do not make one datagram.
inline Bytes join_fragments6(std::vector<Bytes> fragments) {
  std::sort(fragments.begin(), fragments.end(), [](const Bytes& a, const Bytes& b) {
    return (get16(a, 56) & ~7U) < (get16(b, 56) & ~7U);
  });
  if (fragments.empty()) return {};
  Bytes whole(fragments[0].begin(), fragments[0].begin() + 54);
  whole[20] = fragments[0][54];
  const std::uint32_t id =
      (std::uint32_t(get16(fragments[0], 58)) << 16) | std::uint32_t(get16(fragments[0], 60));
  std::size_t expected = 0;
  for (const Bytes& f : fragments) {
    if (f[20] != 44 || (get16(f, 56) & ~7U) != expected) return {};
    if (((std::uint32_t(get16(f, 58)) << 16) | std::uint32_t(get16(f, 60))) != id) return {};
    whole.insert(whole.end(), f.begin() + 62, f.end());
    expected += f.size() - 62;
  }
  if ((get16(fragments.back(), 56) & 1U) != 0) return {};
  put16(whole, 18, whole.size() - 54);
  return whole;
}

}  // namespace snowsignal::testing
