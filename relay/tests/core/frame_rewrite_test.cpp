// Rewrite and checksums, checked against libtins' own serialisation and real captures.
#include "frame_rewrite.h"

#include <gtest/gtest.h>
#include <tins/sniffer.h>

#include <array>

#include "checksum.h"
#include "frames.h"
#include "mesh_codec.h"

namespace snowsignal::testing {
namespace {

const Ipv4Address kSegmentBBroadcast{0xC61202FF};  // 198.18.2.255

Bytes rewrite(const Bytes& frame) {
  static const TrafficKinds kinds(TrafficConfig{{5076}, {{addr("239.74.163.2"), 43113}}});
  const Classified classified = kinds.classify(frame);
  EXPECT_FALSE(classified.drop);
  EXPECT_FALSE(classified.fragment);
  if (classified.drop || classified.fragment) return {};
  std::array<Byte, kMaxFrameSize> out{};
  const Emission emission =
      kinds.emission(*classified.destination, classified.view, kSegmentBBroadcast);
  const std::size_t size = rewrite_frame(classified.view, emission, mac(kOurMac), out);
  return Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size));
}

// What libtins makes of the same frame with our MAC and the new destination: libtins
// recomputes both checksums when it serialises.
Bytes libtins_expectation(const Bytes& original, const char* new_destination,
                          const char* destination_mac = "ff:ff:ff:ff:ff:ff") {
  Tins::EthernetII frame(original.data(), static_cast<std::uint32_t>(original.size()));
  frame.dst_addr(Tins::EthernetII::address_type(destination_mac));
  frame.src_addr(Tins::EthernetII::address_type(kOurMac));
  frame.rfind_pdu<Tins::IP>().dst_addr(new_destination);
  return frame.serialize();
}

TEST(FrameRewrite, MatchesLibtinsSerialisationWithSubnetBroadcastReplaced) {
  const Bytes original = build_frame();
  EXPECT_EQ(rewrite(original), libtins_expectation(original, "198.18.2.255"));
}

TEST(FrameRewrite, KeepsIpSourceAndUdpPortsAndPayload) {
  FrameSpec spec;
  spec.ip_src = "198.18.1.77";
  spec.sport = 51234;
  const Bytes out = rewrite(build_frame(spec));
  const Tins::EthernetII frame(out.data(), static_cast<std::uint32_t>(out.size()));
  EXPECT_EQ(frame.rfind_pdu<Tins::IP>().src_addr(), Tins::IPv4Address("198.18.1.77"));
  EXPECT_EQ(frame.rfind_pdu<Tins::UDP>().sport(), 51234);
  EXPECT_EQ(frame.rfind_pdu<Tins::UDP>().dport(), 5076);
  EXPECT_EQ(frame.rfind_pdu<Tins::RawPDU>().payload(), spec.payload);
}

TEST(FrameRewrite, KeepsLimitedBroadcastDestination) {
  FrameSpec spec;
  spec.ip_dst = "255.255.255.255";
  const Bytes original = build_frame(spec);
  EXPECT_EQ(rewrite(original), libtins_expectation(original, "255.255.255.255"));
}

TEST(FrameRewrite, MulticastKeepsTheGroupAndTtlAndGoesToTheGroupMac) {
  FrameSpec spec;
  spec.eth_dst = "01:00:5e:4a:a3:02";  // 239.74.163.2: 01:00:5e + low 23 bits
  spec.ip_dst = "239.74.163.2";
  spec.dport = 43113;
  spec.ttl = 1;
  const Bytes original = build_frame(spec);
  const Bytes out = rewrite(original);
  EXPECT_EQ(out, libtins_expectation(original, "239.74.163.2", "01:00:5e:4a:a3:02"));
  const Tins::EthernetII frame(out.data(), static_cast<std::uint32_t>(out.size()));
  EXPECT_EQ(frame.rfind_pdu<Tins::IP>().ttl(), 1);
  EXPECT_EQ(frame.src_addr(), Tins::EthernetII::address_type(kOurMac));
}

TEST(FrameRewrite, MatchesLibtinsWithIpOptionsAndOddPayload) {
  const Bytes original = build_frame_with_ip_options(Bytes(33, 0xa5));
  EXPECT_EQ(rewrite(original), libtins_expectation(original, "198.18.2.255"));
}

TEST(FrameRewrite, LeavesEthernetPaddingBehind) {
  FrameSpec spec;
  spec.payload = {1, 2};
  const Bytes padded = build_frame(spec);  // libtins pads to the 60-byte minimum
  ASSERT_EQ(padded.size(), 60u);
  Bytes expected = libtins_expectation(padded, "198.18.2.255");
  expected.resize(14 + 20 + 8 + 2);
  EXPECT_EQ(rewrite(padded), expected);
}

TEST(FrameRewrite, KeepsZeroUdpChecksumWhenTheSenderSentNone) {
  Bytes original = build_frame();
  original[34 + 6] = 0;
  original[34 + 7] = 0;
  const Bytes out = rewrite(original);
  EXPECT_EQ(out[34 + 6], 0);
  EXPECT_EQ(out[34 + 7], 0);
  // The IPv4 header checksum is still recomputed for the new destination.
  EXPECT_EQ(ipv4_header_checksum({out.data() + 14, 20}), 0);
}

TEST(Checksum, VerifiesToZeroOverAHeaderThatCarriesIt) {
  const Bytes frame = build_frame();  // libtins filled in the checksum
  EXPECT_EQ(ipv4_header_checksum({frame.data() + 14, 20}), 0);
}

TEST(Checksum, SendsComputedZeroUdpChecksumAsAllOnes) {
  // Choose the last payload word so that the one's-complement sum is 0xFFFF, which makes
  // the computed checksum 0: RFC 768 says to transmit it as 0xFFFF.
  Bytes udp = {0x13, 0xd4, 0x13, 0xd4, 0x00, 0x0c, 0x00, 0x00, 0x12, 0x34, 0x00, 0x00};
  const Ipv4Address src{0xC612010A}, dst{0xC61201FF};
  const std::uint16_t with_zero_word = udp_checksum(src, dst, udp);
  udp[10] = static_cast<Byte>(with_zero_word >> 8);
  udp[11] = static_cast<Byte>(with_zero_word);
  EXPECT_EQ(udp_checksum(src, dst, udp), 0xffff);
}

TEST(Checksum, UdpChecksumMatchesLibtinsForOddLengths) {
  for (std::size_t length : {0u, 1u, 2u, 3u, 5u, 1337u}) {
    FrameSpec spec;
    spec.payload = Bytes(length, 0x9b);
    const Bytes frame = build_frame(spec);
    // libtins pads short frames to Ethernet's 60-byte minimum; the datagram ends before.
    Bytes udp(frame.begin() + 34, frame.begin() + 42 + static_cast<std::ptrdiff_t>(length));
    const std::uint16_t expected = static_cast<std::uint16_t>((udp[6] << 8) | udp[7]);
    udp[6] = udp[7] = 0;
    EXPECT_EQ(udp_checksum(ip("198.18.1.10"), ip("198.18.1.255"), udp), expected) << length;
  }
}

// Real pvxs captures: every broadcast is accepted, relayed byte for byte apart from the
// rewritten fields, and gets the checksums libtins computes.
std::vector<Bytes> broadcasts_in(const std::string& name) {
  Tins::FileSniffer sniffer(std::string(SNOWSIGNAL_FIXTURES_DIR) + "/pva/" + name);
  std::vector<Bytes> frames;
  for (Tins::Packet packet; (packet = sniffer.next_packet());) {
    Bytes bytes = packet.pdu()->serialize();
    if (bytes.size() >= 6 &&
        std::all_of(bytes.begin(), bytes.begin() + 6, [](Byte b) { return b == 0xff; })) {
      frames.push_back(std::move(bytes));
    }
  }
  return frames;
}

void expect_relayed_intact(const Bytes& original) {
  // Through the mesh and back, as a peer would see it.
  std::array<Byte, kMaxMeshPayload> datagram{};
  const std::size_t size = encode_mesh_v1(original, datagram);
  const auto inner = decode_mesh_v1({datagram.data(), size});
  ASSERT_TRUE(inner);
  const Bytes out = rewrite(Bytes(inner->begin(), inner->end()));
  EXPECT_EQ(out.size(), original.size());
  EXPECT_EQ(out, libtins_expectation(original, "198.18.2.255"));
  EXPECT_TRUE(std::equal(original.begin() + 42, original.end(), out.begin() + 42))
      << "UDP payload changed";
}

TEST(FrameRewriteCaptures, RelaysSearchExchangeBroadcast) {
  const std::vector<Bytes> frames = broadcasts_in("search-exchange.pcap");
  ASSERT_EQ(frames.size(), 1u);  // the search; the response is unicast
  expect_relayed_intact(frames[0]);
}

TEST(FrameRewriteCaptures, RelaysLarge1379ByteSearchFramesIntact) {
  const std::vector<Bytes> frames = broadcasts_in("search-large.pcap");
  ASSERT_EQ(frames.size(), 6u);
  std::size_t large = 0;
  for (const Bytes& frame : frames) {
    if (frame.size() == 1379) ++large;
    expect_relayed_intact(frame);
  }
  EXPECT_EQ(large, 4u);  // two 1337-byte payloads, sent twice: more than SnowSignal's 1024
}

TEST(FrameRewriteCaptures, RelaysBeacons) {
  const std::vector<Bytes> frames = broadcasts_in("beacon.pcap");
  ASSERT_EQ(frames.size(), 2u);
  for (const Bytes& frame : frames) expect_relayed_intact(frame);
}

}  // namespace
}  // namespace snowsignal::testing
