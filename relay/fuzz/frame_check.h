// What the relay does with a frame, for the fuzz targets: classify it against a table
// with broadcasts, an IPv4 and an IPv6 multicast group, reassemble fragments, rewrite what passes
// for our segment and fragment it at a small MTU. Any crash or sanitizer report is a finding.
#pragma once

#include <array>
#include <chrono>
#include <span>

#include "fragmenter.h"
#include "frame_rewrite.h"
#include "frame_view.h"
#include "reassembler.h"
#include "traffic_kinds.h"

namespace snowsignal::fuzz {

class DiscardSink : public FrameSink {
 public:
  bool send(std::span<const Byte>) override { return true; }
  const char* last_error() const override { return ""; }
};

inline void parse_and_rewrite(std::span<const Byte> input) {
  // ff15:7079:7468:6f6e:6465:6d6f:6d63:6173, python-can's IPv6 group.
  static const IpAddress kIpv6Group{{0xff, 0x15, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e, 0x64, 0x65,
                                     0x6d, 0x6f, 0x6d, 0x63, 0x61, 0x73}};
  static const TrafficKinds kinds(TrafficConfig{
      {5076, 5064}, {{IpAddress::from_v4(Ipv4Address{0xEF4AA302u}), 43113}, {kIpv6Group, 43113}}});
  static Reassembler reassembler(ReassemblyLimits{4, std::chrono::seconds(2)});
  static std::array<Byte, kMaxFrameSize> out;
  static std::array<Byte, kMaxFrameSize> fragment;
  static DiscardSink sink;
  std::span<const Byte> frame = input;
  Classified classified = kinds.classify(frame);
  if (classified.fragment) {
    const ReassemblyOutcome outcome = reassembler.add(classified.ip, TimePoint{});
    if (outcome.complete.empty()) return;
    frame = outcome.complete;
    classified = kinds.classify(frame);
    if (classified.fragment) return;
  }
  if (classified.drop) return;
  const Emission emission =
      kinds.emission(*classified.destination, classified.view, Ipv4Address{0xC61202FFu});
  const std::size_t size =
      rewrite_frame(classified.view, emission, MacAddress{{2, 0, 0, 0, 2, 2}}, out);
  // The smallest MTU of each family, so that fragmenting is reached as often as can be.
  const std::size_t mtu = classified.view.ipv6 ? kIpv6MinimumMtu : 576;
  if (classified.view.ip_total_length > mtu) {
    send_fragmented({out.data(), size}, classified.view, mtu, 1, sink, fragment);
  }
}

}  // namespace snowsignal::fuzz
