// The traffic table: which row a frame belongs to, how each kind is re-emitted.
#include "traffic_kinds.h"

#include <gtest/gtest.h>

#include "frames.h"

namespace snowsignal::testing {
namespace {

const TrafficKinds kKinds(TrafficConfig{
    {5076, 5064, 5064},
    {{addr("239.74.163.2"), 43113}, {addr("239.74.163.2"), 43114}, {addr("224.0.0.251"), 5353}}});

FrameSpec to_group(const char* group, const char* group_mac, std::uint16_t port) {
  FrameSpec spec;
  spec.eth_dst = group_mac;
  spec.ip_dst = group;
  spec.dport = port;
  return spec;
}

TEST(TrafficKinds, OneRowForBroadcastsAndOnePerGroupWithSortedUniquePorts) {
  const auto& rows = kKinds.destinations();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].kind, TrafficKind::kBroadcast);
  EXPECT_EQ(rows[0].ports, (std::vector<std::uint16_t>{5064, 5076}));
  EXPECT_EQ(rows[1].kind, TrafficKind::kIpv4Multicast);
  EXPECT_EQ(rows[1].group, addr("239.74.163.2"));
  EXPECT_EQ(rows[1].ports, (std::vector<std::uint16_t>{43113, 43114}));
  EXPECT_EQ(kKinds.describe(),
            "broadcast ports 5064,5076; 239.74.163.2 ports 43113,43114; 224.0.0.251 ports 5353");
}

TEST(TrafficKinds, ClassifiesEachConfiguredDestinationIntoItsRow) {
  FrameSpec ca;
  ca.dport = 5064;
  const Bytes broadcast = build_frame(ca);
  const Classified b = kKinds.classify(broadcast);
  ASSERT_FALSE(b.drop);
  EXPECT_EQ(b.destination, &kKinds.destinations()[0]);

  const Bytes mdns = build_frame(to_group("224.0.0.251", "01:00:5e:00:00:fb", 5353));
  const Classified m = kKinds.classify(mdns);
  ASSERT_FALSE(m.drop);
  EXPECT_EQ(m.destination, &kKinds.destinations()[2]);
}

TEST(TrafficKinds, MulticastMacIsTheLow23BitsOfTheGroup) {
  EXPECT_EQ(multicast_mac(ip("239.74.163.2")), mac("01:00:5e:4a:a3:02"));
  EXPECT_EQ(multicast_mac(ip("239.202.163.2")), mac("01:00:5e:4a:a3:02"));  // bit 24 dropped
  EXPECT_EQ(multicast_mac(ip("224.0.0.251")), mac("01:00:5e:00:00:fb"));
}

TEST(TrafficKinds, RefusesUnconfiguredGroupsMismatchedMacsAndWrongPorts) {
  EXPECT_EQ(kKinds.classify(build_frame(to_group("239.74.163.3", "01:00:5e:4a:a3:03", 43113))).drop,
            DropReason::kUnconfiguredGroup);
  EXPECT_EQ(kKinds.classify(build_frame(to_group("239.74.163.2", "01:00:5e:4a:a3:03", 43113))).drop,
            DropReason::kNotBroadcast);
  EXPECT_EQ(kKinds.classify(build_frame(to_group("239.74.163.2", "01:00:5e:4a:a3:02", 5076))).drop,
            DropReason::kWrongPort);
  FrameSpec broadcast_to_group_port;
  broadcast_to_group_port.dport = 43113;
  EXPECT_EQ(kKinds.classify(build_frame(broadcast_to_group_port)).drop, DropReason::kWrongPort);
}

TEST(TrafficKinds, ReportsFragmentsToOurDestinationsForReassemblyWithTheirRow) {
  FrameSpec spec = to_group("239.74.163.2", "01:00:5e:4a:a3:02", 43113);
  spec.payload = Bytes(3000, 1);
  const std::vector<Bytes> fragments = split_into_fragments(build_frame(spec), 1500);
  const Classified later = kKinds.classify(fragments[1]);
  EXPECT_FALSE(later.drop);
  EXPECT_TRUE(later.fragment);
  EXPECT_EQ(later.destination, &kKinds.destinations()[1]);
  EXPECT_EQ(later.ip.fragment_offset(), 1480u);
}

TEST(TrafficKinds, BroadcastIsReEmittedToTheSegmentBroadcastMulticastToItsGroup) {
  const Ipv4Address segment = ip("198.18.2.255");
  const Bytes b = build_frame();
  const Classified cb = kKinds.classify(b);
  ASSERT_FALSE(cb.drop);
  const Emission eb = kKinds.emission(*cb.destination, cb.view, segment);
  EXPECT_EQ(eb.destination_mac, MacAddress::broadcast());
  EXPECT_EQ(eb.ip_destination, IpAddress::from_v4(segment));

  const Bytes m = build_frame(to_group("239.74.163.2", "01:00:5e:4a:a3:02", 43113));
  const Classified cm = kKinds.classify(m);
  ASSERT_FALSE(cm.drop);
  const Emission em = kKinds.emission(*cm.destination, cm.view, segment);
  EXPECT_EQ(em.destination_mac, mac("01:00:5e:4a:a3:02"));
  EXPECT_EQ(em.ip_destination, addr("239.74.163.2"));
}

}  // namespace
}  // namespace snowsignal::testing
