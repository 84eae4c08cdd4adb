#include "segment_election.h"

#include <algorithm>
#include <cstring>

#include "byte_order.h"
#include "checksum.h"

namespace snowsignal {

namespace {

constexpr std::size_t kIpAt = kEthernetHeaderSize;
constexpr std::size_t kUdpAt = kIpAt + 20;
constexpr std::size_t kPayloadAt = kUdpAt + 8;

void store_be64(Byte* p, std::uint64_t v) {
  store_be32(p, static_cast<std::uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<std::uint32_t>(v));
}

std::uint64_t load_be64(const Byte* p) {
  return static_cast<std::uint64_t>(load_be32(p)) << 32 | load_be32(p + 4);
}

}  // namespace

std::size_t encode_segment_hello(const SegmentHello& hello, const MacAddress& mac,
                                 Ipv4Address broadcast, std::uint16_t port, std::span<Byte> out) {
  if (out.size() < kHelloFrameSize) return 0;
  Byte* f = out.data();
  std::memset(f, 0, kHelloFrameSize);
  std::memset(f, 0xff, 6);
  std::memcpy(f + 6, mac.octets.data(), 6);
  store_be16(f + 12, 0x0800);
  Byte* ip = f + kIpAt;
  ip[0] = 0x45;
  store_be16(ip + 2, static_cast<std::uint16_t>(20 + 8 + kHelloPayloadSize));
  store_be16(ip + 6, 0x4000);  // DF: a hello is never fragmented
  ip[8] = 1;                   // TTL 1: it is for this segment only
  ip[9] = 17;
  store_be32(ip + 12, hello.address.value);
  store_be32(ip + 16, broadcast.value);
  store_be16(ip + 10, ipv4_header_checksum({ip, 20}));
  Byte* udp = f + kUdpAt;
  store_be16(udp, port);
  store_be16(udp + 2, port);
  store_be16(udp + 4, static_cast<std::uint16_t>(8 + kHelloPayloadSize));
  Byte* p = f + kPayloadAt;
  std::memcpy(p, kHelloMagic.data(), kHelloMagic.size());
  p[4] = kHelloVersion;
  p[5] = hello.forwarder ? 1 : 0;
  store_be64(p + 8, hello.sender);
  store_be64(p + 16, hello.boot);
  store_be32(p + 24, hello.address.value);
  store_be16(udp + 6, udp_checksum(hello.address, broadcast, {udp, 8 + kHelloPayloadSize}));
  return kHelloFrameSize;
}

std::optional<SegmentHello> parse_segment_hello(const EthernetView& frame, std::uint16_t port) {
  const std::span<const Byte> b = frame.bytes;
  if (frame.ethertype != 0x0800 || b.size() < kHelloFrameSize) return std::nullopt;
  if (frame.destination_mac.octets != std::array<Byte, 6>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
    return std::nullopt;
  const Byte* ip = b.data() + kIpAt;
  if (ip[0] != 0x45 || ip[9] != 17 || (load_be16(ip + 6) & 0x3fff) != 0) return std::nullopt;
  if (load_be16(ip + 2) != 20 + 8 + kHelloPayloadSize) return std::nullopt;
  const Byte* udp = b.data() + kUdpAt;
  if (load_be16(udp + 2) != port || load_be16(udp + 4) != 8 + kHelloPayloadSize)
    return std::nullopt;
  const Byte* p = b.data() + kPayloadAt;
  if (std::memcmp(p, kHelloMagic.data(), kHelloMagic.size()) != 0 || p[4] != kHelloVersion)
    return std::nullopt;
  SegmentHello hello;
  hello.forwarder = (p[5] & 1) != 0;
  hello.sender = load_be64(p + 8);
  hello.boot = load_be64(p + 16);
  hello.address = Ipv4Address{load_be32(p + 24)};
  hello.ip_source = Ipv4Address{load_be32(ip + 12)};
  return hello;
}

bool is_segment_hello_payload(std::span<const Byte> payload) {
  return payload.size() == kHelloPayloadSize &&
         std::memcmp(payload.data(), kHelloMagic.data(), kHelloMagic.size()) == 0;
}

SegmentElection::SegmentElection(Ipv4Address self, Duration hold)
    : self_(self), hold_(hold), designated_(self) {}

void SegmentElection::heard(Ipv4Address mate, TimePoint now) {
  if (mate == self_) return;
  Mate* oldest = &mates_[0];
  for (Mate& m : mates_) {
    if (m.used && m.address == mate) {
      m.last = now;
      return;
    }
    if (!m.used || (oldest->used && m.last < oldest->last)) oldest = &m;
  }
  *oldest = Mate{mate, now, true};
}

bool SegmentElection::decide(TimePoint now) {
  Ipv4Address lowest = self_;
  TimePoint lowest_heard{};
  for (Mate& m : mates_) {
    if (m.used && now - m.last >= hold_) m.used = false;
    if (m.used && m.address < lowest) {
      lowest = m.address;
      lowest_heard = m.last;
    }
  }
  const bool was = forwarder_;
  forwarder_ = lowest == self_;
  designated_ = lowest;
  designated_heard_ = forwarder_ ? now : lowest_heard;
  return forwarder_ != was;
}

std::size_t SegmentElection::mates() const {
  return static_cast<std::size_t>(
      std::count_if(mates_.begin(), mates_.end(), [](const Mate& m) { return m.used; }));
}

Duration SegmentElection::heard_ago(TimePoint now) const {
  return forwarder_ ? Duration::zero() : now - designated_heard_;
}

}  // namespace snowsignal
