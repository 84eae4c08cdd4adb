// Validation of frames on both paths: every reason a frame is refused.
#include "frame_view.h"

#include <gtest/gtest.h>

#include "classify.h"
#include "frames.h"

namespace snowsignal::testing {
namespace {

constexpr std::size_t kIp = 14;
constexpr std::size_t kUdp = 34;

std::optional<DropReason> verdict(const Bytes& frame, std::uint16_t port = 5076) {
  return parse_broadcast_frame(frame, port).drop;
}

void set_be16(Bytes& frame, std::size_t offset, std::uint16_t value) {
  frame[offset] = static_cast<std::uint8_t>(value >> 8);
  frame[offset + 1] = static_cast<std::uint8_t>(value);
}

TEST(FrameView, AcceptsBroadcastUdpToThePortAndExposesItsFields) {
  FrameSpec spec;
  spec.payload = {1, 2, 3, 4, 5};
  const Bytes frame = build_frame(spec);
  const ParsedFrame parsed = parse_broadcast_frame(frame, 5076);
  ASSERT_FALSE(parsed.drop);
  EXPECT_EQ(parsed.view.source_mac, mac(kClientMac));
  EXPECT_EQ(parsed.view.ip_source, addr("198.18.1.10"));
  EXPECT_EQ(parsed.view.ip_destination, addr("198.18.1.255"));
  EXPECT_EQ(parsed.view.udp_source_port, 40000);
  EXPECT_EQ(parsed.view.udp_destination_port, 5076);
  EXPECT_EQ(parsed.view.ip_header_size, 20u);
  EXPECT_EQ(parsed.view.frame_size(), 14u + 20 + 8 + 5);
  EXPECT_EQ(Bytes(parsed.view.udp_payload.begin(), parsed.view.udp_payload.end()), spec.payload);
}

TEST(FrameView, TheEthernetLayerIsReadOnceAndTheLayersAboveAreParsedFromIt) {
  FrameSpec spec;
  spec.payload = {9, 8, 7};
  const Bytes frame = build_frame(spec);
  const std::optional<EthernetView> ethernet = parse_ethernet(frame);
  ASSERT_TRUE(ethernet);
  EXPECT_EQ(ethernet->source_mac, mac(kClientMac));
  EXPECT_EQ(ethernet->destination_mac, MacAddress::broadcast());
  EXPECT_EQ(ethernet->ethertype, kEthertypeIpv4);
  EXPECT_EQ(ethernet->bytes.data(), frame.data());
  // The view is what the IP parse and the classifier read: the same verdict and fields
  // as from the bytes, the MACs carried up from the Ethernet view.
  const ParsedIp ip = parse_ip_frame(*ethernet);
  ASSERT_FALSE(ip.drop);
  EXPECT_EQ(ip.view.source_mac, ethernet->source_mac);
  const TrafficKinds kinds(TrafficConfig{{5076}, {}});
  const Classified from_view = kinds.classify(*ethernet);
  const Classified from_bytes = kinds.classify(frame);
  ASSERT_FALSE(from_view.drop);
  EXPECT_EQ(from_view.destination, from_bytes.destination);
  EXPECT_EQ(from_view.view.udp_payload.data(), from_bytes.view.udp_payload.data());
  // Shorter than an Ethernet header: no view at all.
  EXPECT_FALSE(parse_ethernet(std::span<const Byte>(frame.data(), kEthernetHeaderSize - 1)));
}

TEST(FrameView, AcceptsEthernetPaddingAfterTheDatagram) {
  FrameSpec spec;
  spec.payload = {1};
  // libtins pads to the 60-byte Ethernet minimum, as frames arrive from the wire.
  const Bytes frame = build_frame(spec);
  ASSERT_EQ(frame.size(), 60u);
  const ParsedFrame parsed = parse_broadcast_frame(frame, 5076);
  ASSERT_FALSE(parsed.drop);
  EXPECT_EQ(parsed.view.frame_size(), 14u + 20 + 8 + 1);
  EXPECT_EQ(parsed.view.udp_payload.size(), 1u);
}

TEST(FrameView, AcceptsIpOptions) {
  const Bytes bytes = build_frame_with_ip_options(Bytes(10, 7));
  const ParsedFrame parsed = parse_broadcast_frame(bytes, 5076);
  ASSERT_FALSE(parsed.drop);
  EXPECT_EQ(parsed.view.ip_header_size, 24u);
  EXPECT_EQ(parsed.view.udp_payload.size(), 10u);
}

TEST(FrameView, RejectsFrameShorterThanEthernetHeaderAsMalformed) {
  const Bytes frame(13, 0xff);
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsTruncatedIpHeaderAsMalformed) {
  Bytes frame = build_frame();
  frame.resize(kIp + 19);
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsDatagramCutShortOfItsTotalLengthAsMalformed) {
  Bytes frame = build_frame();
  frame.pop_back();
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsUnicastDestinationAsNotBroadcast) {
  FrameSpec spec;
  spec.eth_dst = "02:00:00:00:01:01";
  EXPECT_EQ(verdict(build_frame(spec)), DropReason::kNotBroadcast);
}

TEST(FrameView, RejectsMulticastMacWithUnicastIpDestinationAsNotBroadcast) {
  FrameSpec spec;
  spec.eth_dst = "01:00:5e:00:00:01";
  EXPECT_EQ(verdict(build_frame(spec)), DropReason::kNotBroadcast);
}

TEST(FrameView, RejectsEthertypesOtherThanIpAsNotIpv4) {
  Bytes frame = build_frame();
  set_be16(frame, 12, 0x88b5);  // local experimental
  EXPECT_EQ(verdict(frame), DropReason::kNotIpv4);
  set_be16(frame, 12, 0x0806);  // ARP
  EXPECT_EQ(verdict(frame), DropReason::kNotIpv4);
}

TEST(FrameView, AnIpv4PacketLabelledIpv6IsMalformed) {
  Bytes frame = build_frame();
  set_be16(frame, 12, 0x86dd);
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsIpVersionOtherThan4AsMalformed) {
  Bytes frame = build_frame();
  frame[kIp] = 0x65;
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsIhlBelowFiveAsMalformed) {
  Bytes frame = build_frame();
  frame[kIp] = 0x44;
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsIhlBeyondTotalLengthAsMalformed) {
  FrameSpec spec;
  spec.payload = {};
  Bytes frame = build_frame(spec);  // total length 28
  frame[kIp] = 0x48;                // header would be 32 bytes
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsTotalLengthLargerThanTheBytesAsMalformed) {
  Bytes frame = build_frame();
  set_be16(frame, kIp + 2, static_cast<std::uint16_t>(frame.size() - kIp + 1));
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsFirstFragmentWithMoreFragmentsFlagAsFragment) {
  Bytes frame = build_frame();
  set_be16(frame, kIp + 6, 0x2000);
  EXPECT_EQ(verdict(frame), DropReason::kFragment);
}

TEST(FrameView, RejectsLaterFragmentWithOffsetAsFragment) {
  Bytes frame = build_frame();
  set_be16(frame, kIp + 6, 0x00b9);
  EXPECT_EQ(verdict(frame), DropReason::kFragment);
}

TEST(FrameView, AcceptsDontFragmentFlag) {
  Bytes frame = build_frame();
  set_be16(frame, kIp + 6, 0x4000);
  EXPECT_EQ(verdict(frame), std::nullopt);
}

TEST(FrameView, RejectsNonUdpProtocolAsNotUdp) {
  Bytes frame = build_frame();
  frame[kIp + 9] = 6;  // TCP
  EXPECT_EQ(verdict(frame), DropReason::kNotUdp);
}

TEST(FrameView, RejectsIpPayloadShorterThanUdpHeaderAsMalformed) {
  Bytes frame = build_frame();
  set_be16(frame, kIp + 2, 20 + 7);
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsUdpLengthShorterThanIpPayloadAsMalformed) {
  Bytes frame = build_frame();
  set_be16(frame, kUdp + 4, static_cast<std::uint16_t>(frame.size() - kUdp - 1));
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsUdpLengthLongerThanIpPayloadAsMalformed) {
  Bytes frame = build_frame();
  set_be16(frame, kUdp + 4, static_cast<std::uint16_t>(frame.size() - kUdp + 1));
  EXPECT_EQ(verdict(frame), DropReason::kMalformed);
}

TEST(FrameView, RejectsOtherDestinationPortAsWrongPort) {
  FrameSpec spec;
  spec.dport = 5075;
  EXPECT_EQ(verdict(build_frame(spec)), DropReason::kWrongPort);
  EXPECT_EQ(verdict(build_frame(spec), 5075), std::nullopt);
}

}  // namespace
}  // namespace snowsignal::testing
