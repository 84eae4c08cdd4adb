// The relay core driven through its seams with mocks: classification of captured frames,
// forwarding to peers, validation and re-broadcast of mesh datagrams, the dedup rules.
#include "snowsignal/relay_core.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "frames.h"
#include "frames6.h"
#include "mocks.h"

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
const IpAddress kPeerC = peer_ip("198.18.3.2");
const IpAddress kSelf = peer_ip("198.18.2.2");
constexpr const char* kDockerMac = "02:42:ac:11:00:01";

class RelayCoreTest : public ::testing::Test {
 protected:
  RelayCoreTest() {
    interface_.name = "eth0";
    interface_.index = 3;
    interface_.mac = mac(kOurMac);
    interface_.ipv4 = kSelf.v4();
    interface_.broadcast = ip("198.18.2.255");
    interface_.mtu = 1500;
    interface_.host_macs = {mac(kOurMac), mac(kDockerMac)};
    ON_CALL(peers_, peers()).WillByDefault(ReturnRef(peer_list_));
    ON_CALL(peers_, self_relay()).WillByDefault(Return(false));
    ON_CALL(clock_, now()).WillByDefault([this] { return now_; });
    ON_CALL(mesh_, last_error()).WillByDefault(Return("Connection refused"));
    ON_CALL(sink_, last_error()).WillByDefault(Return("Network is down"));
  }

  RelayCore& core(milliseconds window = milliseconds(500)) {
    if (!core_) {
      RelaySettings settings{traffic_, 7124, window};
      settings.reassembly_slots = reassembly_slots_;
      core_ = std::make_unique<RelayCore>(settings, interface_, mesh_, sink_, peers_, clock_);
    }
    return *core_;
  }

  // The frame a relay on segment A captured from a client there, as its peer sends it.
  static Bytes frame_from_segment_a(FrameSpec spec = {}) { return build_frame(spec); }

  // What we must emit for it on segment B: our MAC, our subnet's broadcast address.
  static Bytes expected_on_segment_b(FrameSpec spec = {}) {
    spec.eth_src = kOurMac;
    spec.ip_dst = "198.18.2.255";
    return build_frame(spec);
  }

  std::uint64_t dropped(DropReason reason) { return core().counters().dropped_for(reason); }

  void expect_capture_dropped(const Bytes& frame, DropReason reason, bool truncated = false) {
    EXPECT_CALL(mesh_, send_to).Times(0);
    core().on_captured(frame, truncated);
    EXPECT_EQ(dropped(reason), 1u) << drop_reason_name(reason);
    EXPECT_EQ(core().counters().captured, 1u);
    EXPECT_EQ(core().counters().forwarded, 0u);
  }

  void expect_mesh_dropped(IpAddress from, const Bytes& datagram, DropReason reason,
                           bool truncated = false) {
    EXPECT_CALL(sink_, send).Times(0);
    core().on_mesh_datagram(from, datagram, truncated);
    EXPECT_EQ(dropped(reason), 1u) << drop_reason_name(reason);
    EXPECT_EQ(core().counters().mesh_received, 1u);
    EXPECT_EQ(core().counters().rebroadcast, 0u);
  }

  TrafficConfig traffic_{{5076}, {}};
  std::size_t reassembly_slots_ = 16;
  InterfaceInfo interface_;
  std::vector<IpAddress> peer_list_{kPeerA, kPeerC};  // sorted, as the directory keeps it
  TimePoint now_{std::chrono::seconds(100)};
  NiceMock<MockPeerDirectory> peers_;
  NiceMock<MockClock> clock_;
  StrictMock<MockMeshSocket> mesh_;
  StrictMock<MockFrameSink> sink_;
  std::unique_ptr<RelayCore> core_;
};

// ---- capture side -------------------------------------------------------------------

TEST_F(RelayCoreTest, CapturedBroadcastGoesToEveryPeerAsSSPlusTheWholeFrame) {
  const Bytes frame = build_frame();
  EXPECT_CALL(mesh_, send_to(kPeerA, 7124, ElementsAreArray(mesh_v1(frame))))
      .WillOnce(Return(SendStatus::kOk));
  EXPECT_CALL(mesh_, send_to(kPeerC, 7124, ElementsAreArray(mesh_v1(frame))))
      .WillOnce(Return(SendStatus::kOk));
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().captured, 1u);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(RelayCoreTest, CapturedFullMtuFrameIsForwardedIntact) {
  FrameSpec spec;
  spec.payload = Bytes(1472, 0x42);
  const Bytes frame = build_frame(spec);
  EXPECT_CALL(mesh_, send_to(_, 7124, ElementsAreArray(mesh_v1(frame))))
      .Times(2)
      .WillRepeatedly(Return(SendStatus::kOk));
  core().on_captured(frame, false);
}

TEST_F(RelayCoreTest, CapturedFrameFromOurInterfaceMacIsOwnMac) {
  FrameSpec spec;
  spec.eth_src = kOurMac;
  expect_capture_dropped(build_frame(spec), DropReason::kOwnMac);
}

TEST_F(RelayCoreTest, CapturedFrameFromAnyOtherMacOfThisHostIsOwnMac) {
  FrameSpec spec;
  spec.eth_src = kDockerMac;
  expect_capture_dropped(build_frame(spec), DropReason::kOwnMac);
}

TEST_F(RelayCoreTest, CapturedUnicastFrameIsNotBroadcast) {
  FrameSpec spec;
  spec.eth_dst = "02:00:00:00:02:0a";
  expect_capture_dropped(build_frame(spec), DropReason::kNotBroadcast);
}

TEST_F(RelayCoreTest, CapturedFrameToOtherPortIsWrongPort) {
  FrameSpec spec;
  spec.dport = 5075;
  expect_capture_dropped(build_frame(spec), DropReason::kWrongPort);
}

TEST_F(RelayCoreTest, CapturedNonUdpFrameIsNotUdp) {
  Bytes frame = build_frame();
  frame[14 + 9] = 1;  // ICMP
  expect_capture_dropped(frame, DropReason::kNotUdp);
}

TEST_F(RelayCoreTest, CapturedFirstFragmentIsHeldNotForwardedInPart) {
  FrameSpec spec;
  spec.payload = Bytes(3000, 7);
  const std::vector<Bytes> fragments = split_into_fragments(build_frame(spec), 1500);
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(fragments[0], false);
  EXPECT_EQ(core().counters().captured, 1u);
  EXPECT_EQ(core().counters().forwarded, 0u);
  for (std::size_t i = 0; i < kDropReasonCount; ++i) EXPECT_EQ(core().counters().dropped[i], 0u);
}

TEST_F(RelayCoreTest, CapturedRuntIsMalformed) {
  expect_capture_dropped(Bytes(10, 0xff), DropReason::kMalformed);
}

TEST_F(RelayCoreTest, TruncatedCaptureIsOversizeNotRelayedInPart) {
  expect_capture_dropped(build_frame(), DropReason::kOversize, true);
}

TEST_F(RelayCoreTest, UnreachablePeerIsCountedAndRetriedWithTheNextFrame) {
  const Bytes frame = build_frame();
  EXPECT_CALL(mesh_, send_to(kPeerA, _, _))
      .WillOnce(Return(SendStatus::kUnreachable))
      .WillOnce(Return(SendStatus::kOk));
  EXPECT_CALL(mesh_, send_to(kPeerC, _, _)).Times(2).WillRepeatedly(Return(SendStatus::kOk));
  EXPECT_CALL(mesh_, last_error()).Times(::testing::AtMost(1));
  core(milliseconds(0)).on_captured(frame, false);
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().send_errors, 1u);
  EXPECT_EQ(core().counters().mesh_send_errors, 1u) << "a mesh loss, under its own counter";
  EXPECT_EQ(core().counters().emit_errors, 0u);
  EXPECT_EQ(core().counters().forwarded, 3u);
}

// A mesh socket that batches: the core must hand it every peer of a frame at once.
struct BatchingMesh : MeshSocket {
  std::vector<std::size_t> batch_sizes;
  SendStatus result_for_second = SendStatus::kOk;
  int selectable_fd() const override { return -1; }
  SendStatus send_to(IpAddress, std::uint16_t, std::span<const Byte>) override {
    ADD_FAILURE() << "one send per peer: the batched call was not used";
    return SendStatus::kOk;
  }
  void send_to_each(std::span<const IpAddress> peers, std::uint16_t, std::span<const Byte>,
                    std::span<SendStatus> statuses) override {
    batch_sizes.push_back(peers.size());
    for (std::size_t i = 0; i < peers.size(); ++i)
      statuses[i] = i == 1 ? result_for_second : SendStatus::kOk;
  }
  std::optional<MeshDatagram> receive(std::span<Byte>) override { return std::nullopt; }
  const char* last_error() const override { return "No buffer space available"; }
};

TEST_F(RelayCoreTest, AFrameGoesToEveryPeerInOneBatchedSendWithPerPeerResults) {
  BatchingMesh mesh;
  peer_list_ = {kPeerA, kPeerC, peer_ip("198.18.4.2")};
  mesh.result_for_second = SendStatus::kError;
  RelayCore core({TrafficConfig{}, 7124, milliseconds(500)}, interface_, mesh, sink_, peers_,
                 clock_);
  core.on_captured(build_frame(), false);
  EXPECT_EQ(mesh.batch_sizes, std::vector<std::size_t>{3});
  EXPECT_EQ(core.counters().forwarded, 2u);
  EXPECT_EQ(core.counters().mesh_send_errors, 1u) << "the one peer that failed, counted";
}

// ---- mesh side ----------------------------------------------------------------------

TEST_F(RelayCoreTest, MeshFrameFromPeerIsRewrittenForOurSegmentAndBroadcast) {
  EXPECT_CALL(sink_, send(ElementsAreArray(expected_on_segment_b()))).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  EXPECT_EQ(core().counters().mesh_received, 1u);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
}

TEST_F(RelayCoreTest, MeshFrameFromUnknownPeerIsCountedAndNeverBroadcast) {
  expect_mesh_dropped(peer_ip("198.18.9.9"), mesh_v1(build_frame()), DropReason::kUnknownPeer);
}

TEST_F(RelayCoreTest, MeshDatagramWithoutMagicIsBadMagic) {
  expect_mesh_dropped(kPeerA, build_frame(), DropReason::kBadMagic);
}

TEST_F(RelayCoreTest, MeshDatagramWithRuntFrameIsMalformed) {
  expect_mesh_dropped(kPeerA, mesh_v1(Bytes(13, 0xff)), DropReason::kMalformed);
}

TEST_F(RelayCoreTest, MeshFrameWithUnicastDestinationIsNotBroadcast) {
  FrameSpec spec;
  spec.eth_dst = "02:00:00:00:02:0a";
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame(spec)), DropReason::kNotBroadcast);
}

TEST_F(RelayCoreTest, MeshFrameToOtherPortIsWrongPort) {
  FrameSpec spec;
  spec.dport = 22;
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame(spec)), DropReason::kWrongPort);
}

TEST_F(RelayCoreTest, MeshFrameThatIsAFragmentIsFragment) {
  Bytes frame = build_frame();
  frame[14 + 7] = 0x10;  // offset 16 * 8 bytes
  expect_mesh_dropped(kPeerA, mesh_v1(frame), DropReason::kFragment);
}

TEST_F(RelayCoreTest, MeshFrameCarryingOurOwnMacIsOwnMac) {
  FrameSpec spec;
  spec.eth_src = kOurMac;
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame(spec)), DropReason::kOwnMac);
}

TEST_F(RelayCoreTest, MeshFrameLargerThanOurMtuWithDontFragmentIsOversize) {
  interface_.mtu = 1000;
  FrameSpec spec;
  spec.payload = Bytes(1337, 1);
  Bytes frame = build_frame(spec);
  frame[14 + 6] = 0x40;  // DF
  frame[14 + 10] = frame[14 + 11] = 0;
  expect_mesh_dropped(kPeerA, mesh_v1(frame), DropReason::kOversize);
}

TEST_F(RelayCoreTest, TruncatedMeshDatagramIsOversize) {
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame()), DropReason::kOversize, true);
}

TEST_F(RelayCoreTest, FailedBroadcastIsASendError) {
  EXPECT_CALL(sink_, send).WillOnce(Return(false));
  EXPECT_CALL(sink_, last_error());
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(core().counters().send_errors, 1u);
  EXPECT_EQ(core().counters().emit_errors, 1u) << "an emit loss, under its own counter";
  EXPECT_EQ(core().counters().mesh_send_errors, 0u);
  EXPECT_EQ(core().counters().rebroadcast, 0u);
}

TEST_F(RelayCoreTest, DrainMeshReadsEveryWaitingDatagram) {
  const Bytes datagram = mesh_v1(build_frame());
  EXPECT_CALL(mesh_, receive)
      .WillOnce([&](std::span<Byte> buffer) {
        std::memcpy(buffer.data(), datagram.data(), datagram.size());
        return MeshDatagram{kPeerA, datagram.size(), false};
      })
      .WillOnce([&](std::span<Byte> buffer) {
        std::memcpy(buffer.data(), datagram.data(), datagram.size());
        return MeshDatagram{peer_ip("198.18.9.9"), datagram.size(), false};
      })
      .WillOnce(Return(std::nullopt));
  EXPECT_CALL(sink_, send(ElementsAreArray(expected_on_segment_b()))).WillOnce(Return(true));
  EXPECT_EQ(core().drain_mesh(16), 2u);
  EXPECT_EQ(core().counters().mesh_received, 2u);
  EXPECT_EQ(dropped(DropReason::kUnknownPeer), 1u);
}

// ---- dedup rules --------------------------------------------------------------------

TEST_F(RelayCoreTest, RuleA_CaptureOfADatagramWeJustRebroadcastIsAnEcho) {
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  // Another relay on our segment re-broadcast it too; we capture that copy.
  FrameSpec copy;
  copy.eth_src = "02:00:00:00:02:03";
  copy.ip_dst = "198.18.2.255";
  now_ += milliseconds(20);
  expect_capture_dropped(build_frame(copy), DropReason::kEcho);
}

TEST_F(RelayCoreTest, RuleB_MeshCopyOfADatagramCapturedHereIsFromTheOriginSegment) {
  EXPECT_CALL(mesh_, send_to).Times(2).WillRepeatedly(Return(SendStatus::kOk));
  core().on_captured(build_frame(), false);
  now_ += milliseconds(5);
  EXPECT_CALL(sink_, send).Times(0);
  core().on_mesh_datagram(kPeerC, mesh_v1(build_frame()), false);
  EXPECT_EQ(dropped(DropReason::kOriginSegment), 1u);
}

TEST_F(RelayCoreTest, RuleC_SecondMeshCopyFromAnotherRelayIsADuplicate) {
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  now_ += milliseconds(3);
  core().on_mesh_datagram(kPeerC, mesh_v1(frame_from_segment_a()), false);
  EXPECT_EQ(dropped(DropReason::kDuplicate), 1u);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
}

TEST_F(RelayCoreTest, SameDatagramAfterTheWindowIsRelayedAgain) {
  EXPECT_CALL(sink_, send).Times(2).WillRepeatedly(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  now_ += milliseconds(500);
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  EXPECT_EQ(core().counters().rebroadcast, 2u);
}

TEST_F(RelayCoreTest, DifferentDatagramsAreNotDuplicates) {
  FrameSpec other;
  other.payload[0] = 0x01;
  EXPECT_CALL(sink_, send).Times(2).WillRepeatedly(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a(other)), false);
  EXPECT_EQ(core().counters().rebroadcast, 2u);
}

TEST_F(RelayCoreTest, ZeroWindowBehavesLikeSnowSignal) {
  RelayCore& relay = core(milliseconds(0));
  EXPECT_CALL(mesh_, send_to).Times(2).WillRepeatedly(Return(SendStatus::kOk));
  relay.on_captured(build_frame(), false);
  EXPECT_CALL(sink_, send).Times(2).WillRepeatedly(Return(true));
  relay.on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  relay.on_mesh_datagram(kPeerC, mesh_v1(build_frame()), false);
  EXPECT_EQ(relay.counters().rebroadcast, 2u);
  EXPECT_EQ(dropped(DropReason::kOriginSegment) + dropped(DropReason::kDuplicate), 0u);
}

// ---- peer health (issue 13) ---------------------------------------------------------

TEST_F(RelayCoreTest, EveryPeerStartsUnknownAndSendsAreCountedPerPeer) {
  EXPECT_EQ(core().peer_health().find(kPeerA)->state, PeerState::kUnknown);
  EXPECT_CALL(mesh_, send_to).Times(2).WillRepeatedly(Return(SendStatus::kOk));
  const Bytes frame = build_frame();
  core().on_captured(frame, false);
  const PeerStatus& a = *core().peer_health().find(kPeerA);
  EXPECT_EQ(a.datagrams_sent, 1u);
  EXPECT_EQ(a.bytes_sent, frame.size() + 2);
}

TEST_F(RelayCoreTest, ADatagramFromAPeerMarksItUpAndIsCountedForIt) {
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  const Bytes datagram = mesh_v1(frame_from_segment_a());
  core().on_mesh_datagram(kPeerA, datagram, false);
  const PeerStatus& a = *core().peer_health().find(kPeerA);
  EXPECT_EQ(a.state, PeerState::kUp);
  EXPECT_EQ(a.datagrams_received, 1u);
  EXPECT_EQ(a.bytes_received, datagram.size());
  EXPECT_EQ(a.last_heard, now_);
  EXPECT_EQ(core().peer_health().find(kPeerC)->state, PeerState::kUnknown);
}

TEST_F(RelayCoreTest, AnIcmpPortUnreachableFromTheErrorQueueMakesThatPeerUnreachable) {
  EXPECT_CALL(mesh_, drain_errors).WillOnce([](const auto& handler, std::size_t) {
    handler(MeshError{kPeerC, kPeerC, MeshError::Origin::kIcmp, 3, 3, 111});
    handler(MeshError{peer_ip("198.18.9.9"), peer_ip("198.18.9.9"), MeshError::Origin::kIcmp, 3, 3,
                      111});
    return std::size_t{2};
  });
  EXPECT_EQ(core().drain_mesh_errors(16), 2u);
  const PeerStatus& c = *core().peer_health().find(kPeerC);
  EXPECT_EQ(c.state, PeerState::kUnreachable);
  EXPECT_EQ(c.reason, "ICMP port unreachable");
  EXPECT_EQ(c.icmp_errors, 1u);
  EXPECT_EQ(core().peer_health().find(kPeerA)->state, PeerState::kUnknown);
}

TEST_F(RelayCoreTest, ASendThatFailsAsUnreachableMakesThatPeerUnreachable) {
  EXPECT_CALL(mesh_, send_to(kPeerA, _, _)).WillOnce(Return(SendStatus::kOk));
  EXPECT_CALL(mesh_, send_to(kPeerC, _, _)).WillOnce(Return(SendStatus::kUnreachable));
  EXPECT_CALL(mesh_, last_error()).WillRepeatedly(Return("No route to host"));
  core().on_captured(build_frame(), false);
  const PeerStatus& c = *core().peer_health().find(kPeerC);
  EXPECT_EQ(c.state, PeerState::kUnreachable);
  EXPECT_EQ(c.reason, "No route to host");
  EXPECT_EQ(c.send_errors, 1u);
}

// ---- IPv6 and mixed peers ---------------------------------------------------------

const IpAddress kPeerV6 = peer_ip("2001:db8:3::2");

TEST_F(RelayCoreTest, AMixedMeshSendsToPeersOfBothFamiliesAndAcceptsBoth) {
  peer_list_ = {kPeerA, kPeerV6};
  std::sort(peer_list_.begin(), peer_list_.end());  // as the directory keeps them
  EXPECT_CALL(sink_, send(ElementsAreArray(expected_on_segment_b()))).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerV6, mesh_v1(frame_from_segment_a()), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
  EXPECT_EQ(core().peer_health().find(kPeerV6)->state, PeerState::kUp);
  EXPECT_CALL(mesh_, send_to(kPeerA, 7124, _)).WillOnce(Return(SendStatus::kOk));
  EXPECT_CALL(mesh_, send_to(kPeerV6, 7124, _)).WillOnce(Return(SendStatus::kOk));
  FrameSpec other;
  other.sport = 40001;  // not the frame just re-broadcast (that would be an echo)
  core().on_captured(build_frame(other), false);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(RelayCoreTest, AnIpv6SenderIsRecognisedByItsAddressAlone) {
  peer_list_ = {kPeerV6};
  // Another address of the same prefix, or the IPv4 peer we do not have, is nobody.
  EXPECT_CALL(sink_, send).Times(0);
  core().on_mesh_datagram(peer_ip("2001:db8:3::3"), mesh_v1(build_frame()), false);
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(dropped(DropReason::kUnknownPeer), 2u);
}

TEST_F(RelayCoreTest, AnIcmpv6ErrorMakesThatIpv6PeerUnreachable) {
  peer_list_ = {kPeerA, kPeerV6};
  std::sort(peer_list_.begin(), peer_list_.end());
  EXPECT_CALL(mesh_, drain_errors).WillOnce([](const auto& handler, std::size_t) {
    handler(MeshError{kPeerV6, peer_ip("2001:db8:3::1"), MeshError::Origin::kIcmp6, 1, 3, 113});
    return std::size_t{1};
  });
  EXPECT_EQ(core().drain_mesh_errors(16), 1u);
  const PeerStatus& v6 = *core().peer_health().find(kPeerV6);
  EXPECT_EQ(v6.state, PeerState::kUnreachable);
  EXPECT_EQ(v6.reason, "ICMPv6 address unreachable from 2001:db8:3::1");
  EXPECT_EQ(core().peer_health().find(kPeerA)->state, PeerState::kUnknown);
}

TEST_F(RelayCoreTest, TickFollowsThePeerDirectoryAndAppliesTimedTransitions) {
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame_from_segment_a()), false);
  peer_list_ = {kPeerA, peer_ip("198.18.4.2")};
  now_ += std::chrono::seconds(61);
  core().tick();
  ASSERT_EQ(core().peer_health().peers().size(), 2u);
  EXPECT_EQ(core().peer_health().find(kPeerC), nullptr);
  EXPECT_EQ(core().peer_health().find(peer_ip("198.18.4.2"))->state, PeerState::kUnknown);
  EXPECT_EQ(core().peer_health().find(kPeerA)->state, PeerState::kUnknown) << "v1: idle 61 s";
}

// ---- self-relay mode (no peers: SnowSignal's test mode) -----------------------------

TEST_F(RelayCoreTest, SelfRelayModeSendsToOurselvesAndRebroadcastsOurOwnCapture) {
  peer_list_ = {kSelf};
  ON_CALL(peers_, self_relay()).WillByDefault(Return(true));
  const Bytes frame = build_frame();
  EXPECT_CALL(mesh_, send_to(kSelf, 7124, ElementsAreArray(mesh_v1(frame))))
      .WillOnce(Return(SendStatus::kOk));
  core().on_captured(frame, false);
  now_ += milliseconds(1);
  // Rule (b) would call this our own segment's datagram; in self-relay mode it must not.
  EXPECT_CALL(sink_, send(ElementsAreArray(expected_on_segment_b()))).WillOnce(Return(true));
  core().on_mesh_datagram(kSelf, mesh_v1(frame), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
  EXPECT_EQ(dropped(DropReason::kOriginSegment), 0u);
}

}  // namespace
}  // namespace snowsignal::testing

// ---- traffic kinds: several ports, multicast, datagrams larger than the MTU ----------

namespace snowsignal::testing {
namespace {

constexpr const char* kGroup = "239.74.163.2";
constexpr const char* kGroupMac = "01:00:5e:4a:a3:02";

FrameSpec to_group(const char* group = kGroup, const char* group_mac = kGroupMac,
                   std::uint16_t port = 43113) {
  FrameSpec spec;
  spec.eth_dst = group_mac;
  spec.ip_dst = group;
  spec.dport = port;
  spec.ttl = 1;
  return spec;
}

class TrafficKindsRelayTest : public RelayCoreTest {
 protected:
  TrafficKindsRelayTest() {
    traffic_ = TrafficConfig{{5064, 5065, 5076}, {{IpAddress::from_v4(ip(kGroup)), 43113}}};
  }
  void expect_forwarded(const Bytes& frame) {
    EXPECT_CALL(mesh_, send_to(kPeerA, 7124, ElementsAreArray(mesh_v1(frame))))
        .WillOnce(Return(SendStatus::kOk));
    EXPECT_CALL(mesh_, send_to(kPeerC, 7124, ElementsAreArray(mesh_v1(frame))))
        .WillOnce(Return(SendStatus::kOk));
  }
};

TEST_F(TrafficKindsRelayTest, CapturedBroadcastsToEveryConfiguredPortAreForwarded) {
  for (std::uint16_t port : std::vector<std::uint16_t>{5064, 5065, 5076}) {
    FrameSpec spec;
    spec.dport = port;
    spec.payload = Bytes(20, static_cast<Byte>(port));
    expect_forwarded(build_frame(spec));
    core().on_captured(build_frame(spec), false);
  }
  EXPECT_EQ(core().counters().forwarded, 6u);
}

TEST_F(TrafficKindsRelayTest, CapturedBroadcastToAnUnconfiguredPortIsWrongPort) {
  FrameSpec spec;
  spec.dport = 5066;
  expect_capture_dropped(build_frame(spec), DropReason::kWrongPort);
}

TEST_F(TrafficKindsRelayTest, CapturedMulticastToAConfiguredGroupIsForwardedAsSSPlusFrame) {
  const Bytes frame = build_frame(to_group());
  expect_forwarded(frame);
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(TrafficKindsRelayTest, CapturedMulticastToAnotherGroupIsUnconfiguredGroup) {
  expect_capture_dropped(build_frame(to_group("239.74.163.3", "01:00:5e:4a:a3:03")),
                         DropReason::kUnconfiguredGroup);
}

TEST_F(TrafficKindsRelayTest, CapturedMulticastToTheGroupOnAnotherPortIsWrongPort) {
  expect_capture_dropped(build_frame(to_group(kGroup, kGroupMac, 43114)), DropReason::kWrongPort);
}

TEST_F(TrafficKindsRelayTest, MeshMulticastIsReEmittedToTheGroupWithTtlAndSourceKept) {
  const FrameSpec spec = to_group();
  FrameSpec expected = spec;
  expected.eth_src = kOurMac;  // only the Ethernet source changes
  EXPECT_CALL(sink_, send(ElementsAreArray(build_frame(expected)))).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame(spec)), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
}

TEST_F(TrafficKindsRelayTest, MeshMulticastToAnotherGroupIsUnconfiguredGroup) {
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame(to_group("239.1.2.3", "01:00:5e:01:02:03"))),
                      DropReason::kUnconfiguredGroup);
}

TEST_F(TrafficKindsRelayTest, MeshMulticastWithAMacThatIsNotTheGroupsIsNotBroadcast) {
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame(to_group(kGroup, "01:00:5e:00:00:01"))),
                      DropReason::kNotBroadcast);
}

TEST_F(TrafficKindsRelayTest, MulticastDedupFollowsTheBroadcastRules) {
  const Bytes frame = build_frame(to_group());
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame), false);
  core().on_mesh_datagram(kPeerC, mesh_v1(frame), false);
  EXPECT_EQ(dropped(DropReason::kDuplicate), 1u);
  // Our own re-emission, captured by a second relay's host and seen by us: an echo.
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(frame, false);
  EXPECT_EQ(dropped(DropReason::kEcho), 1u);
}

TEST_F(TrafficKindsRelayTest, UnfragmentedDatagramsStayTheV1MessageSnowSignal011Reads) {
  // SnowSignal 0.1.1 reads a mesh datagram as: data[:2] == b"SS", Ether(data[2:]).
  FrameSpec ca;
  ca.dport = 5064;
  for (const Bytes& frame : {build_frame(ca), build_frame(to_group())}) {
    std::vector<Bytes> datagrams;
    EXPECT_CALL(mesh_, send_to)
        .Times(2)
        .WillRepeatedly([&](IpAddress, std::uint16_t, std::span<const Byte> d) {
          datagrams.emplace_back(d.begin(), d.end());
          return SendStatus::kOk;
        });
    core().on_captured(frame, false);
    ASSERT_EQ(datagrams.size(), 2u);
    const Bytes& d = datagrams[0];
    ASSERT_EQ(d.size(), frame.size() + 2);
    EXPECT_EQ(d[0], 'S');
    EXPECT_EQ(d[1], 'S');
    const Tins::EthernetII decoded(d.data() + 2, static_cast<std::uint32_t>(d.size() - 2));
    const Tins::EthernetII original(frame.data(), static_cast<std::uint32_t>(frame.size()));
    EXPECT_EQ(decoded.dst_addr(), original.dst_addr());
    EXPECT_EQ(decoded.rfind_pdu<Tins::IP>().dst_addr(), original.rfind_pdu<Tins::IP>().dst_addr());
    EXPECT_EQ(decoded.rfind_pdu<Tins::UDP>().dport(), original.rfind_pdu<Tins::UDP>().dport());
    EXPECT_EQ(decoded.rfind_pdu<Tins::RawPDU>().payload(),
              original.rfind_pdu<Tins::RawPDU>().payload());
    ::testing::Mock::VerifyAndClearExpectations(&mesh_);
  }
}

// -- fragments --

Bytes large_multicast(std::size_t payload_size) {
  FrameSpec spec = to_group();
  spec.payload.resize(payload_size);
  for (std::size_t i = 0; i < payload_size; ++i) spec.payload[i] = static_cast<Byte>(i * 7 + 3);
  return build_frame(spec);
}

TEST_F(TrafficKindsRelayTest, CapturedFragmentsInAnyOrderAreReassembledAndForwardedWhole) {
  const Bytes whole = large_multicast(60000);
  std::vector<Bytes> fragments = split_into_fragments(whole, 1500);
  ASSERT_EQ(fragments.size(), 41u);
  std::swap(fragments.front(), fragments.back());  // the last first, the first last
  expect_forwarded(whole);
  for (const Bytes& fragment : fragments) core().on_captured(fragment, false);
  EXPECT_EQ(core().counters().captured, 41u);
  EXPECT_EQ(core().counters().reassembled, 1u);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(TrafficKindsRelayTest, CapturedFragmentedBroadcastToAnotherPortIsWrongPortOnce) {
  FrameSpec spec;
  spec.dport = 5066;
  spec.payload = Bytes(4000, 1);
  EXPECT_CALL(mesh_, send_to).Times(0);
  for (const Bytes& f : split_into_fragments(build_frame(spec), 1500)) core().on_captured(f, false);
  EXPECT_EQ(dropped(DropReason::kWrongPort), 1u);
}

TEST_F(TrafficKindsRelayTest, DatagramMissingAFragmentIsCountedAsTimeoutAndNeverForwarded) {
  std::vector<Bytes> fragments = split_into_fragments(large_multicast(5000), 1500);
  fragments.erase(fragments.begin() + 1);
  EXPECT_CALL(mesh_, send_to).Times(0);
  for (const Bytes& f : fragments) core().on_captured(f, false);
  core().expire_reassembly();
  EXPECT_EQ(dropped(DropReason::kReassemblyTimeout), 0u);  // not yet: 2 s
  now_ += std::chrono::seconds(2);
  core().expire_reassembly();
  EXPECT_EQ(dropped(DropReason::kReassemblyTimeout), 1u);
  // The late fragment starts a new datagram that can never complete either.
  EXPECT_EQ(core().counters().forwarded, 0u);
}

TEST_F(TrafficKindsRelayTest, OverlappingFragmentIsFragmentOverlap) {
  const std::vector<Bytes> fragments = split_into_fragments(large_multicast(5000), 1500);
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(fragments[0], false);
  core().on_captured(fragments[0], false);
  EXPECT_EQ(dropped(DropReason::kFragmentOverlap), 1u);
}

TEST_F(TrafficKindsRelayTest, FragmentsBeyond65535BytesAreFragmentTooLarge) {
  Bytes fragment = split_into_fragments(large_multicast(5000), 1500).back();
  // Offset 8189 * 8 = 65512 plus this fragment's data: past what IPv4 can hold.
  fragment[14 + 6] = 0x1f;
  fragment[14 + 7] = 0xfd;
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(fragment, false);
  EXPECT_EQ(dropped(DropReason::kFragmentTooLarge), 1u);
}

TEST_F(TrafficKindsRelayTest, MoreDatagramsInFlightThanSlotsIsReassemblyOverflow) {
  reassembly_slots_ = 2;
  EXPECT_CALL(mesh_, send_to).Times(0);
  for (Byte id = 1; id <= 3; ++id) {
    Bytes first = split_into_fragments(large_multicast(3000), 1500).front();
    first[14 + 5] = id;  // identification: three different datagrams
    first[14 + 10] = first[14 + 11] = 0;
    core().on_captured(first, false);
  }
  EXPECT_EQ(dropped(DropReason::kReassemblyOverflow), 1u);
}

TEST_F(TrafficKindsRelayTest, ReassembledDatagramTooLargeForTheMeshIsOversize) {
  // 65507 bytes of UDP payload: IPv4 total 65535, frame 65549 > 65505 ("SS" + frame).
  const Bytes whole = large_multicast(65507);
  EXPECT_CALL(mesh_, send_to).Times(0);
  for (const Bytes& f : split_into_fragments(whole, 1500)) core().on_captured(f, false);
  EXPECT_EQ(core().counters().reassembled, 1u);
  EXPECT_EQ(dropped(DropReason::kOversize), 1u);
}

TEST_F(TrafficKindsRelayTest, MeshDatagramLargerThanOurMtuIsEmittedAsFragmentsOfOurMtu) {
  interface_.mtu = 1400;
  const Bytes whole = large_multicast(60000);
  std::vector<Bytes> sent;
  record_sends(sink_, sent);
  core().on_mesh_datagram(kPeerA, mesh_v1(whole), false);
  EXPECT_EQ(sent.size(), (60008 + 1375) / 1376);  // 1376: (1400 - 20) rounded down to 8
  for (const Bytes& f : sent) EXPECT_LE(f.size(), 14u + 1400);
  FrameSpec expected = to_group();
  expected.eth_src = kOurMac;
  expected.payload = Bytes(whole.begin() + 42, whole.end());
  const Bytes reassembled = reassemble_with_libtins(sent);
  ASSERT_FALSE(reassembled.empty());
  const Bytes expected_frame = build_frame(expected);
  EXPECT_EQ(Bytes(reassembled.begin() + 14 + 20, reassembled.end()),
            Bytes(expected_frame.begin() + 14 + 20, expected_frame.end()))
      << "UDP header (checksum over the whole datagram) and payload";
  EXPECT_EQ(core().counters().rebroadcast, 1u);
  EXPECT_EQ(core().counters().fragmented, 1u);
}

TEST_F(TrafficKindsRelayTest, MeshFragmentIsStillFragment) {
  const std::vector<Bytes> fragments = split_into_fragments(large_multicast(3000), 1500);
  expect_mesh_dropped(kPeerA, mesh_v1(fragments[0]), DropReason::kFragment);
}

}  // namespace
}  // namespace snowsignal::testing

// ---- IPv6 multicast (issue 9): the same paths, the same table ------------------------

namespace snowsignal::testing {
namespace {

class Ipv6RelayTest : public RelayCoreTest {
 protected:
  Ipv6RelayTest() { traffic_ = TrafficConfig{{5076}, {{addr(kCanGroup), 43113}}}; }
  void expect_forwarded(const Bytes& frame) {
    EXPECT_CALL(mesh_, send_to(kPeerA, 7124, ElementsAreArray(mesh_v1(frame))))
        .WillOnce(Return(SendStatus::kOk));
    EXPECT_CALL(mesh_, send_to(kPeerC, 7124, ElementsAreArray(mesh_v1(frame))))
        .WillOnce(Return(SendStatus::kOk));
  }
};

Bytes large6(std::size_t payload_size) {
  Frame6Spec spec;
  spec.payload.resize(payload_size);
  for (std::size_t i = 0; i < payload_size; ++i) spec.payload[i] = static_cast<Byte>(i * 7 + 3);
  return build_frame6(spec);
}

TEST_F(Ipv6RelayTest, CapturedDatagramToTheGroupIsForwardedAsSSPlusFrame) {
  const Bytes frame = build_frame6();
  expect_forwarded(frame);
  core().on_captured(frame, false);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(Ipv6RelayTest, CapturedDatagramToAnotherGroupIsUnconfiguredGroup) {
  Frame6Spec other;
  other.ip_dst = "ff15::1234";
  other.eth_dst = "33:33:00:00:12:34";
  expect_capture_dropped(build_frame6(other), DropReason::kUnconfiguredGroup);
}

TEST_F(Ipv6RelayTest, CapturedDatagramFromOurOwnMacIsOwnMac) {
  Frame6Spec ours;
  ours.eth_src = kOurMac;
  expect_capture_dropped(build_frame6(ours), DropReason::kOwnMac);
}

TEST_F(Ipv6RelayTest, MeshDatagramIsReEmittedWithOnlyTheEthernetSourceChanged) {
  Frame6Spec expected;
  expected.eth_src = kOurMac;
  EXPECT_CALL(sink_, send(ElementsAreArray(build_frame6(expected)))).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame6()), false);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
}

TEST_F(Ipv6RelayTest, MeshDatagramToAGroupWeDoNotCarryIsRefusedAndCounted) {
  Frame6Spec other;
  other.ip_dst = "ff15::1234";
  other.eth_dst = "33:33:00:00:12:34";
  expect_mesh_dropped(kPeerA, mesh_v1(build_frame6(other)), DropReason::kUnconfiguredGroup);
}

TEST_F(Ipv6RelayTest, MalformedMeshDatagramIsRefusedAndCounted) {
  Bytes bad = build_frame6();
  bad[14] = 0x40;
  expect_mesh_dropped(kPeerA, mesh_v1(bad), DropReason::kMalformed);
}

TEST_F(Ipv6RelayTest, DedupCoversIpv6Datagrams) {
  const Bytes frame = build_frame6();
  EXPECT_CALL(sink_, send).WillOnce(Return(true));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame), false);
  core().on_mesh_datagram(kPeerC, mesh_v1(frame), false);
  EXPECT_EQ(dropped(DropReason::kDuplicate), 1u);
  EXPECT_CALL(mesh_, send_to).Times(0);
  core().on_captured(frame, false);
  EXPECT_EQ(dropped(DropReason::kEcho), 1u);
}

TEST_F(Ipv6RelayTest, CapturedFragmentsAreReassembledAndForwardedWhole) {
  const Bytes whole = large6(60000);
  std::vector<Bytes> fragments = split_into_fragments6(whole, 1500, 0x12345678);
  std::swap(fragments.front(), fragments.back());
  expect_forwarded(whole);
  for (const Bytes& fragment : fragments) core().on_captured(fragment, false);
  EXPECT_EQ(core().counters().reassembled, 1u);
  EXPECT_EQ(core().counters().forwarded, 2u);
}

TEST_F(Ipv6RelayTest, ReassembledDatagramTooLargeForTheMeshIsOversize) {
  // 65443 bytes of UDP payload: frame 14 + 40 + 8 + 65443 = 65505, the most "SS" allows.
  expect_forwarded(large6(65443));
  for (const Bytes& f : split_into_fragments6(large6(65443), 1500, 1)) core().on_captured(f, false);
  EXPECT_EQ(core().counters().forwarded, 2u);
  ::testing::Mock::VerifyAndClearExpectations(&mesh_);
  EXPECT_CALL(mesh_, send_to).Times(0);
  for (const Bytes& f : split_into_fragments6(large6(65444), 1500, 2)) core().on_captured(f, false);
  EXPECT_EQ(core().counters().reassembled, 2u);
  EXPECT_EQ(dropped(DropReason::kOversize), 1u);
}

TEST_F(Ipv6RelayTest, MeshDatagramLargerThanOurMtuIsEmittedAsIpv6FragmentsByteIdentical) {
  interface_.mtu = 1400;
  const Bytes whole = large6(60000);
  std::vector<Bytes> sent;
  record_sends(sink_, sent);
  core().on_mesh_datagram(kPeerA, mesh_v1(whole), false);
  for (const Bytes& f : sent) EXPECT_LE(f.size(), 14u + 1400);
  Bytes expected = whole;
  const MacAddress ours = mac(kOurMac);
  std::copy(ours.octets.begin(), ours.octets.end(), expected.begin() + 6);
  EXPECT_EQ(join_fragments6(sent), expected);
  EXPECT_EQ(core().counters().fragmented, 1u);
  EXPECT_EQ(core().counters().rebroadcast, 1u);
}

TEST_F(Ipv6RelayTest, AnInterfaceBelowTheIpv6MinimumMtuCannotFragmentAndCountsOversize) {
  interface_.mtu = 1000;
  expect_mesh_dropped(kPeerA, mesh_v1(large6(3000)), DropReason::kOversize);
}

TEST_F(Ipv6RelayTest, MeshFragmentIsStillFragment) {
  const auto fragments = split_into_fragments6(large6(3000), 1500, 5);
  expect_mesh_dropped(kPeerA, mesh_v1(fragments[1]), DropReason::kFragment);
}

}  // namespace
}  // namespace snowsignal::testing
