// PVA on the relay's own host (issue 20, item 2): with host-local on, a frame from one
// of our MACs is a local process's when its IP source is one of this host's addresses
// (relayed), and ours (a re-broadcast, dropped as own_mac) otherwise; every
// re-broadcast is also handed to the host's own stack through a second sink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frames.h"
#include "frames6.h"
#include "mocks.h"
#include "snowsignal/relay_core.h"

namespace snowsignal::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::_;
using ::testing::ElementsAreArray;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::ReturnRef;
using ::testing::StrictMock;

const IpAddress kPeerA = peer_ip("198.18.1.2");
const IpAddress kSelf = peer_ip("198.18.2.2");

class HostLocalTest : public ::testing::Test {
 protected:
  HostLocalTest() {
    interface_.name = "eth0";
    interface_.index = 3;
    interface_.mac = mac(kOurMac);
    interface_.ipv4 = kSelf.v4();
    interface_.broadcast = ip("198.18.2.255");
    interface_.mtu = 1500;
    interface_.host_macs = {mac(kOurMac)};
    interface_.host_ipv4s = {kSelf.v4(), ip("127.0.0.1")};
    ON_CALL(peers_, peers()).WillByDefault(ReturnRef(peer_list_));
    ON_CALL(peers_, self_relay()).WillByDefault(Return(false));
    ON_CALL(clock_, now()).WillByDefault([this] { return now_; });
    ON_CALL(sink_, last_error()).WillByDefault(Return("Network is down"));
  }

  RelayCore& core(bool host_local = true, milliseconds window = milliseconds(500)) {
    if (!core_) {
      RelaySettings settings{traffic_, 7124, window};
      settings.host_local = host_local;
      settings.local_sink = host_local ? &local_ : nullptr;
      core_ = std::make_unique<RelayCore>(settings, interface_, mesh_, sink_, peers_, clock_);
    }
    return *core_;
  }

  // A search a process on this host broadcast on the capture interface.
  static FrameSpec local_search() {
    FrameSpec spec;
    spec.eth_src = kOurMac;
    spec.ip_src = "198.18.2.2";
    spec.ip_dst = "198.18.2.255";
    return spec;
  }

  TrafficConfig traffic_{{5076}, {}};
  InterfaceInfo interface_;
  std::vector<IpAddress> peer_list_{kPeerA};
  TimePoint now_{std::chrono::seconds(100)};
  NiceMock<MockPeerDirectory> peers_;
  NiceMock<MockClock> clock_;
  StrictMock<MockMeshSocket> mesh_;
  StrictMock<MockFrameSink> sink_;
  StrictMock<MockFrameSink> local_;
  std::unique_ptr<RelayCore> core_;
};

TEST_F(HostLocalTest, ABroadcastFromAProcessOnThisHostIsRelayed) {
  const Bytes frame = build_frame(local_search());
  EXPECT_CALL(mesh_, send_to(kPeerA, 7124, ElementsAreArray(mesh_v1(frame))))
      .WillOnce(Return(SendStatus::kOk));
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().forwarded, 1u);
  EXPECT_EQ(core().counters().local_captured, 1u);
  EXPECT_EQ(core().counters().dropped_for(DropReason::kOwnMac), 0u);
}

TEST_F(HostLocalTest, OurOwnReBroadcastKeepsItsForeignSourceAndIsStillOwnMac) {
  FrameSpec ours = local_search();
  ours.ip_src = "198.18.1.10";  // a client on another segment: we re-broadcast it
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(build_frame(ours), false);
  EXPECT_EQ(core().counters().dropped_for(DropReason::kOwnMac), 1u);
  EXPECT_EQ(core().counters().local_captured, 0u);
}

TEST_F(HostLocalTest, ControlWithHostLocalOffALocalProcessIsOwnMacAsInSnowSignal) {
  EXPECT_CALL(mesh_, send_to).Times(0);
  core(/*host_local=*/false).on_captured(build_frame(local_search()), false);
  EXPECT_EQ(core().counters().dropped_for(DropReason::kOwnMac), 1u);
}

TEST_F(HostLocalTest, AnIpv6MulticastFromThisHostIsRelayedToo) {
  traffic_ = TrafficConfig{{5076}, {{addr(kCanGroup), 43113}}};
  interface_.host_ipv6s = {peer_ip("2001:db8:2::2")};
  Frame6Spec spec;
  spec.eth_src = kOurMac;
  spec.ip_src = "2001:db8:2::2";
  const Bytes frame = build_frame6(spec);
  EXPECT_CALL(mesh_, send_to(kPeerA, 7124, ElementsAreArray(mesh_v1(frame))))
      .WillOnce(Return(SendStatus::kOk));
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().local_captured, 1u);
}

TEST_F(HostLocalTest, EveryReBroadcastAlsoReachesThisHostsOwnListeners) {
  FrameSpec expected;
  expected.eth_src = kOurMac;
  expected.ip_dst = "198.18.2.255";
  EXPECT_CALL(sink_, send(ElementsAreArray(build_frame(expected)))).WillOnce(Return(true));
  EXPECT_CALL(local_, send(ElementsAreArray(build_frame(expected)))).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
  EXPECT_EQ(core().counters().local_delivered, 1u);
}

TEST_F(HostLocalTest, ALocalDeliveryTheKernelRefusesIsAnEmitErrorAndTheWireCopyStillCounts) {
  EXPECT_CALL(sink_, send(_)).WillOnce(Return(true));
  EXPECT_CALL(local_, send(_)).WillOnce(Return(false));
  EXPECT_CALL(local_, last_error()).WillRepeatedly(Return("No buffer space available"));
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
  EXPECT_EQ(core().counters().local_delivered, 0u);
  EXPECT_EQ(core().counters().emit_errors, 1u);
}

TEST_F(HostLocalTest, ControlWithoutHostLocalNothingIsDeliveredLocally) {
  EXPECT_CALL(sink_, send(_)).WillOnce(Return(true));
  core(/*host_local=*/false).on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(core().counters().local_delivered, 0u);
}

// A datagram a process here sent, come back over the mesh (a peer relayed it to a
// segment whose relay sent it back): exactly known from its source, whatever the
// de-duplication window says.
TEST_F(HostLocalTest, AMeshFrameFromOneOfOurOwnAddressesStartedHereAndIsNotReBroadcast) {
  FrameSpec back;
  back.eth_src = "02:00:00:00:01:02";
  back.ip_src = "198.18.2.2";
  EXPECT_CALL(sink_, send).Times(0);
  core(true, milliseconds(0)).on_mesh_datagram(kPeerA, mesh_v1(build_frame(back)), false);
  EXPECT_EQ(core().counters().dropped_for(DropReason::kOriginSegment), 1u);
}

}  // namespace
}  // namespace snowsignal::testing
