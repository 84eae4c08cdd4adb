// The BPF filter generated from the traffic table: that libpcap compiles it, and what it
// lets through, run by libpcap itself over frames built by libtins.
#include "capture_filter.h"

#include <gtest/gtest.h>

#include "frames.h"
#include "pcap_filter.h"

namespace snowsignal::testing {
namespace {

const TrafficConfig kPvaAndCa{{5076, 5064, 5065}, {}};
const TrafficConfig kWithGroup{{5076}, {{addr("239.74.163.2"), 43113}}};

Bytes to_port(std::uint16_t port) {
  FrameSpec spec;
  spec.dport = port;
  return build_frame(spec);
}

Bytes to_group(const char* group, const char* group_mac, std::uint16_t port) {
  FrameSpec spec;
  spec.eth_dst = group_mac;
  spec.ip_dst = group;
  spec.dport = port;
  return build_frame(spec);
}

// A datagram fragment: `flags_offset` as in the IPv4 header (MF 0x2000, offset in 8s).
Bytes fragment_of(Bytes frame, std::uint16_t flags_offset) {
  frame[14 + 6] = static_cast<Byte>(flags_offset >> 8);
  frame[14 + 7] = static_cast<Byte>(flags_offset);
  return frame;
}

TEST(CaptureFilter, CoversExactlyTheConfiguredBroadcastPorts) {
  const Filter filter(capture_filter(TrafficKinds(kPvaAndCa), {}));
  ASSERT_TRUE(filter.compiled());
  EXPECT_TRUE(filter.matches(to_port(5076)));
  EXPECT_TRUE(filter.matches(to_port(5064)));
  EXPECT_TRUE(filter.matches(to_port(5065)));
  EXPECT_FALSE(filter.matches(to_port(5075)));
  EXPECT_FALSE(filter.matches(to_port(7124)));
  FrameSpec unicast;
  unicast.eth_dst = "02:00:00:00:01:01";
  EXPECT_FALSE(filter.matches(build_frame(unicast)));
}

TEST(CaptureFilter, TakesLaterFragmentsToOurDestinationsWhichCarryNoPort) {
  const Filter filter(capture_filter(TrafficKinds(kWithGroup), {}));
  ASSERT_TRUE(filter.compiled());
  // A later fragment's first bytes are data, not a UDP header: "port 5075" here.
  EXPECT_TRUE(filter.matches(fragment_of(to_port(5075), 0x00b9)));
  EXPECT_TRUE(filter.matches(fragment_of(to_port(5075), 0x2000)));  // first, any port
  EXPECT_TRUE(
      filter.matches(fragment_of(to_group("239.74.163.2", "01:00:5e:4a:a3:02", 9), 0x00b9)));
  EXPECT_FALSE(
      filter.matches(fragment_of(to_group("239.74.163.3", "01:00:5e:4a:a3:03", 9), 0x00b9)));
}

TEST(CaptureFilter, CoversConfiguredGroupPortsOnly) {
  const Filter filter(capture_filter(TrafficKinds(kWithGroup), {}));
  ASSERT_TRUE(filter.compiled());
  EXPECT_TRUE(filter.matches(to_group("239.74.163.2", "01:00:5e:4a:a3:02", 43113)));
  EXPECT_FALSE(filter.matches(to_group("239.74.163.2", "01:00:5e:4a:a3:02", 43114)));
  EXPECT_FALSE(filter.matches(to_group("239.74.163.3", "01:00:5e:4a:a3:03", 43113)));
  EXPECT_FALSE(filter.matches(to_port(43113)));
  EXPECT_TRUE(filter.matches(to_port(5076)));
}

TEST(CaptureFilter, ExcludesEveryOwnMac) {
  const std::string text =
      capture_filter(TrafficKinds(kPvaAndCa), {mac("02:00:00:00:02:02"), mac("02:00:00:00:03:03")});
  const Filter filter(text);
  ASSERT_TRUE(filter.compiled()) << text;
  FrameSpec ours;
  ours.eth_src = "02:00:00:00:03:03";
  EXPECT_FALSE(filter.matches(build_frame(ours)));
  EXPECT_TRUE(filter.matches(to_port(5064)));
}

// Host-local: a process on this host sends from one of its addresses and is captured;
// our re-broadcasts keep their clients' sources and stay out.
TEST(CaptureFilter, HostLocalSparesFramesFromThisHostsAddressesOnly) {
  const std::string text = capture_filter(TrafficKinds(kPvaAndCa), {mac("02:00:00:00:02:02")},
                                          {peer_ip("198.18.2.2"), peer_ip("2001:db8:2::2")});
  const Filter filter(text);
  ASSERT_TRUE(filter.compiled()) << text;
  FrameSpec local;
  local.eth_src = "02:00:00:00:02:02";
  local.ip_src = "198.18.2.2";
  EXPECT_TRUE(filter.matches(build_frame(local)));
  FrameSpec rebroadcast = local;
  rebroadcast.ip_src = "198.18.1.10";
  EXPECT_FALSE(filter.matches(build_frame(rebroadcast)));
  EXPECT_TRUE(filter.matches(to_port(5064)));
}

TEST(CaptureFilter, TakesTheOtherRelaysSegmentHellosWhenTheElectionIsOn) {
  FrameSpec hello;
  hello.sport = 7124;
  hello.dport = 7124;
  hello.ip_dst = "198.18.1.255";
  const std::string text = capture_filter(TrafficKinds(kPvaAndCa), {mac("02:00:00:00:02:02")},
                                          {peer_ip("198.18.1.2")}, 7124);
  const Filter filter(text);
  ASSERT_TRUE(filter.compiled()) << text;
  EXPECT_TRUE(filter.matches(build_frame(hello)));
  EXPECT_TRUE(filter.matches(to_port(5064)));
  FrameSpec ours = hello;  // our own hello: our MAC and (host-local) one of our sources
  ours.eth_src = "02:00:00:00:02:02";
  ours.ip_src = "198.18.1.2";
  EXPECT_FALSE(filter.matches(build_frame(ours))) << "our own hello stays out";
  FrameSpec local_search;  // what host-local is for still gets in
  local_search.eth_src = "02:00:00:00:02:02";
  local_search.ip_src = "198.18.1.2";
  EXPECT_TRUE(filter.matches(build_frame(local_search)));
  const Filter off(capture_filter(TrafficKinds(kPvaAndCa), {mac("02:00:00:00:02:02")}));
  EXPECT_FALSE(off.matches(build_frame(hello))) << "the control: no election, no hellos";
}

TEST(CaptureFilter, ReadsAsOneClausePerDestination) {
  EXPECT_EQ(capture_filter(TrafficKinds(kWithGroup), {mac("02:00:00:00:02:02")}),
            "((ether broadcast and ip and udp and (udp dst port 5076 or ip[6:2] & 0x3fff != 0)) "
            "or (ether multicast and ip dst host 239.74.163.2 and udp and (udp dst port 43113 or "
            "ip[6:2] & 0x3fff != 0))) and not (ether src 02:00:00:00:02:02)");
}

}  // namespace
}  // namespace snowsignal::testing
