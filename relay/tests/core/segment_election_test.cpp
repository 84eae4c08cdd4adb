// The designated-forwarder election on its own: the hello frame both ways and the
// decision from what was heard (lowest address forwards, silence for the hold time is
// gone, a partition leaves two forwarders, never none).
#include "segment_election.h"

#include <gtest/gtest.h>

#include "checksum.h"
#include "frames.h"

namespace snowsignal::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Ipv4Address kLow = ip("198.18.1.2");
const Ipv4Address kMid = ip("198.18.1.3");
const Ipv4Address kHigh = ip("198.18.1.4");

Bytes hello_frame(const SegmentHello& hello, std::uint16_t port = 7124) {
  Bytes out(kHelloFrameSize + 10);
  const std::size_t size =
      encode_segment_hello(hello, mac("02:00:00:00:01:03"), ip("198.18.1.255"), port, out);
  out.resize(size);
  return out;
}

std::optional<SegmentHello> parsed(const Bytes& frame, std::uint16_t port = 7124) {
  const auto ethernet = parse_ethernet(frame);
  if (!ethernet) return std::nullopt;
  return parse_segment_hello(*ethernet, port);
}

TEST(SegmentHello, RoundTripsWithValidChecksumsAsAnIpv4UdpBroadcast) {
  const SegmentHello sent{0x1122334455667788, 42, kMid, true, kMid};
  const Bytes frame = hello_frame(sent);
  ASSERT_EQ(frame.size(), kHelloFrameSize);
  const auto view = parse_ip_frame(frame);
  ASSERT_FALSE(view.drop);
  EXPECT_EQ(view.view.ip_source, IpAddress::from_v4(kMid));
  EXPECT_EQ(view.view.ip_destination, IpAddress::from_v4(ip("198.18.1.255")));
  const std::size_t udp_at = kEthernetHeaderSize + 20;
  EXPECT_EQ(frame[udp_at] << 8 | frame[udp_at + 1], 7124) << "source port";
  EXPECT_EQ(frame[udp_at + 2] << 8 | frame[udp_at + 3], 7124) << "destination port";
  // Both checksums hold, or a real host would drop it.
  const std::span<const Byte> header(frame.data() + kEthernetHeaderSize, 20);
  EXPECT_EQ(finish_checksum(ones_complement_sum(header)), 0);
  Bytes udp(frame.begin() + kEthernetHeaderSize + 20, frame.end());
  const std::uint16_t sent_checksum = static_cast<std::uint16_t>(udp[6] << 8 | udp[7]);
  udp[6] = udp[7] = 0;
  EXPECT_EQ(udp_checksum(kMid, ip("198.18.1.255"), udp), sent_checksum);
  const auto back = parsed(frame);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sender, sent.sender);
  EXPECT_EQ(back->boot, 42u);
  EXPECT_EQ(back->address, kMid);
  EXPECT_EQ(back->ip_source, kMid);
  EXPECT_TRUE(back->forwarder);
}

TEST(SegmentHello, AnythingElseIsNotAHello) {
  const Bytes frame = hello_frame({1, 2, kMid, false, kMid});
  EXPECT_FALSE(parsed(frame, 7125)) << "another mesh port";
  Bytes unicast = frame;
  unicast[0] = 0x02;
  EXPECT_FALSE(parsed(unicast)) << "not an Ethernet broadcast";
  Bytes magic = frame;
  magic[kEthernetHeaderSize + 28] = 'S';
  magic[kEthernetHeaderSize + 29] = 'S';
  EXPECT_FALSE(parsed(magic)) << "SnowSignal's v1 magic";
  Bytes version = frame;
  version[kEthernetHeaderSize + 28 + 4] = 2;
  EXPECT_FALSE(parsed(version)) << "a version we do not speak";
  EXPECT_FALSE(parsed(Bytes(frame.begin(), frame.end() - 1))) << "truncated";
  FrameSpec search;
  search.dport = 7124;
  EXPECT_FALSE(parsed(build_frame(search))) << "a datagram to the mesh port that is no hello";
}

TEST(SegmentElection, AloneItForwardsAndTheLowestAddressHeardForwards) {
  SegmentElection mid(kMid, seconds(3));
  const TimePoint t0{seconds(100)};
  EXPECT_FALSE(mid.decide(t0));
  EXPECT_TRUE(mid.forwarder()) << "a starting relay forwards until it hears a lower one";
  mid.heard(kHigh, t0);
  EXPECT_FALSE(mid.decide(t0));
  EXPECT_TRUE(mid.forwarder());
  EXPECT_EQ(mid.mates(), 1u);
  mid.heard(kLow, t0);
  EXPECT_TRUE(mid.decide(t0)) << "a change";
  EXPECT_FALSE(mid.forwarder());
  EXPECT_EQ(mid.designated(), kLow);
  EXPECT_EQ(mid.mates(), 2u);
}

TEST(SegmentElection, ASilentForwarderIsGoneAfterTheHoldTimeAndTheNextTakesOver) {
  SegmentElection mid(kMid, seconds(3));
  const TimePoint t0{seconds(100)};
  mid.heard(kLow, t0);
  mid.decide(t0);
  EXPECT_FALSE(mid.decide(t0 + milliseconds(2999)));
  EXPECT_FALSE(mid.forwarder()) << "within the hold time";
  EXPECT_EQ(mid.heard_ago(t0 + milliseconds(2999)), milliseconds(2999));
  EXPECT_TRUE(mid.decide(t0 + seconds(3)));
  EXPECT_TRUE(mid.forwarder());
  EXPECT_EQ(mid.designated(), kMid);
  EXPECT_EQ(mid.mates(), 0u);
}

TEST(SegmentElection, OurOwnHelloIsNotAMate) {
  SegmentElection low(kLow, seconds(3));
  low.heard(kLow, TimePoint{seconds(1)});
  EXPECT_EQ(low.mates(), 0u);
}

// Split brain: low and high cannot hear each other, mid hears both. Nobody is left
// without a forwarder; at worst two forward (duplicates), never none (a loss).
TEST(SegmentElection, APartitionInsideTheSegmentLeavesTwoForwardersNeverNone) {
  const TimePoint t{seconds(5)};
  SegmentElection low(kLow, seconds(3)), mid(kMid, seconds(3)), high(kHigh, seconds(3));
  mid.heard(kLow, t);
  mid.heard(kHigh, t);
  high.heard(kMid, t);  // but not kLow
  low.heard(kMid, t);   // but not kHigh
  low.decide(t);
  mid.decide(t);
  high.decide(t);
  EXPECT_TRUE(low.forwarder());
  EXPECT_FALSE(mid.forwarder());
  EXPECT_FALSE(high.forwarder()) << "high hears mid, which is lower";
  // Now mid vanishes: high hears nobody lower and takes over beside low.
  high.decide(t + seconds(3));
  EXPECT_TRUE(high.forwarder());
  EXPECT_TRUE(low.forwarder());
}

}  // namespace
}  // namespace snowsignal::testing
