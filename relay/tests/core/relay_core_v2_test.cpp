// The relay core speaking mesh format v2: batching with an end-of-batch flush, every
// refusal of the receive side, heartbeats and their replies, and --accept-v1.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frames.h"
#include "mesh_codec.h"
#include "mesh_v2_codec.h"
#include "mocks.h"
#include "segment_election.h"
#include "snowsignal/relay_core.h"

namespace snowsignal::testing {
namespace {

using ::testing::NiceMock;
using ::testing::Return;
using ::testing::ReturnRef;

const IpAddress kPeerA = peer_ip("198.18.1.2");
const IpAddress kPeerC = peer_ip("198.18.3.2");
const IpAddress kSelf = peer_ip("198.18.2.2");
const IpAddress kStranger = peer_ip("198.18.2.66");
constexpr std::uint64_t kOurId = 0xB0B;
constexpr std::uint64_t kPeerAId = 0xA11CE;

// Records what the core sends, so tests can decode it.
struct RecordingMesh : MeshSocket {
  struct Sent {
    IpAddress to;
    Bytes datagram;
  };
  std::vector<Sent> sent;
  int selectable_fd() const override { return -1; }
  SendStatus send_to(IpAddress peer, std::uint16_t port, std::span<const Byte> d) override {
    EXPECT_EQ(port, 7124);
    sent.push_back({peer, Bytes(d.begin(), d.end())});
    return SendStatus::kOk;
  }
  std::optional<MeshDatagram> receive(std::span<Byte>) override { return std::nullopt; }
  const char* last_error() const override { return ""; }
};

std::vector<MeshKey> key(std::uint8_t id, Byte fill) {
  return {MeshKey{id, Bytes(32, fill)}};
}

class RelayCoreV2Test : public ::testing::Test {
 protected:
  RelayCoreV2Test() {
    interface_.name = "eth0";
    interface_.mac = mac(kOurMac);
    interface_.ipv4 = kSelf.v4();
    interface_.broadcast = ip("198.18.2.255");
    interface_.mtu = 1500;
    interface_.host_macs = {mac(kOurMac)};
    ON_CALL(peers_, peers()).WillByDefault(ReturnRef(peer_list_));
    ON_CALL(peers_, self_relay()).WillByDefault(Return(false));
    ON_CALL(clock_, now()).WillByDefault([this] { return now_; });
    ON_CALL(sink_, send).WillByDefault([this](std::span<const Byte> f) {
      emitted_.emplace_back(f.begin(), f.end());
      return true;
    });
    settings_.keyring = &ring_;
    settings_.sender_id = kOurId;
    settings_.boot_id = 1000;
  }

  RelayCore& core() {
    if (!core_) {
      core_ = std::make_unique<RelayCore>(settings_, interface_, mesh_, sink_, peers_, clock_);
    }
    return *core_;
  }

  // A datagram from peer A's relay, signed with `ring`'s first key.
  Bytes from_peer_a(const std::vector<Bytes>& frames, std::uint64_t sequence,
                    const MeshKeyring& ring, std::uint64_t sender = kPeerAId) {
    std::array<Byte, kMaxMeshPayload> buffer{};
    MeshV2Builder builder(buffer);
    for (const Bytes& f : frames) EXPECT_TRUE(builder.add_frame(f));
    const MeshV2Header h{MeshV2Type::kFrames, ring.send_key_id(), sender, 77, sequence};
    const auto d = builder.finish(h, ring.send_mac());
    return Bytes(d.begin(), d.end());
  }

  Bytes heartbeat_from_a(MeshV2Type type, std::uint64_t sequence, std::uint64_t timestamp) {
    std::array<Byte, kMeshV2HeartbeatSize> out{};
    const MeshV2Header h{type, ring_.send_key_id(), kPeerAId, 77, sequence};
    encode_mesh_v2_heartbeat(h, timestamp, ring_.send_mac(), out);
    return Bytes(out.begin(), out.end());
  }

  std::uint64_t dropped(DropReason reason) { return core().counters().dropped_for(reason); }
  const PeerStatus& health_of(IpAddress peer) {
    const PeerStatus* status = core().peer_health().find(peer);
    EXPECT_NE(status, nullptr);
    static const PeerStatus none;
    return status != nullptr ? *status : none;
  }

  MeshKeyring ring_{key(7, 0xAB)};
  RelaySettings settings_;
  InterfaceInfo interface_;
  std::vector<IpAddress> peer_list_{kPeerA, kPeerC};
  TimePoint now_{std::chrono::seconds(100)};
  NiceMock<MockPeerDirectory> peers_;
  NiceMock<MockClock> clock_;
  RecordingMesh mesh_;
  NiceMock<MockFrameSink> sink_;
  std::vector<Bytes> emitted_;
  std::unique_ptr<RelayCore> core_;
};

FrameSpec client(int n) {
  FrameSpec spec;
  spec.sport = static_cast<std::uint16_t>(40000 + n);  // distinct for the dedup cache
  return spec;
}

// ---- sending ------------------------------------------------------------------------

TEST_F(RelayCoreV2Test, CapturedFramesWaitForTheEndOfTheBatchThenGoInOneDatagramPerPeer) {
  const std::vector<Bytes> frames = {build_frame(client(1)), build_frame(client(2)),
                                     build_frame(client(3))};
  for (const Bytes& f : frames) core().on_captured(f, false);
  EXPECT_TRUE(mesh_.sent.empty()) << "nothing leaves before the end of the capture batch";
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].to, kPeerA);
  EXPECT_EQ(mesh_.sent[1].to, kPeerC);
  EXPECT_EQ(mesh_.sent[0].datagram, mesh_.sent[1].datagram) << "one MAC for every peer";
  const MeshV2Decoded d = decode_mesh_v2(mesh_.sent[0].datagram, ring_);
  ASSERT_FALSE(d.refusal);
  EXPECT_EQ(d.header.sender, kOurId);
  EXPECT_EQ(d.header.boot, 1000u);
  EXPECT_EQ(d.header.sequence, 1u);
  MeshV2Frames walk(d.body);
  for (const Bytes& f : frames) {
    const auto got = walk.next();
    ASSERT_TRUE(got);
    EXPECT_EQ(Bytes(got->begin(), got->end()), f);
  }
  EXPECT_FALSE(walk.next());
  EXPECT_EQ(core().counters().forwarded, 2u);
  core().flush();
  EXPECT_EQ(mesh_.sent.size(), 2u) << "an empty batch sends nothing";
}

TEST_F(RelayCoreV2Test, ABatchIsSentEarlyWhenTheNextFrameWouldPassTheDatagramSize) {
  settings_.mesh_datagram_size = 400;
  FrameSpec big = client(1);
  big.payload = Bytes(200, 1);
  const Bytes f1 = build_frame(big);  // 242 bytes: 64 + 2 + 242 = 308
  big.sport = 2;
  const Bytes f2 = build_frame(big);  // 308 + 244 > 400: f1 leaves first
  core().on_captured(f1, false);
  core().on_captured(f2, false);
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].datagram.size(), 308u);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 4u);
  const MeshV2Decoded second = decode_mesh_v2(mesh_.sent[2].datagram, ring_);
  EXPECT_EQ(second.header.sequence, 2u);
}

TEST_F(RelayCoreV2Test, AFrameLargerThanTheDatagramSizeStillGoesAlone) {
  settings_.mesh_datagram_size = 200;
  FrameSpec big = client(1);
  big.payload = Bytes(1400, 1);
  core().on_captured(build_frame(big), false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].datagram.size(), 64u + 2 + 1442);
}

TEST_F(RelayCoreV2Test, HeartbeatsGoToEveryPeerWithARisingSequence) {
  core().send_heartbeats();
  core().send_heartbeats();
  ASSERT_EQ(mesh_.sent.size(), 4u);
  const MeshV2Decoded first = decode_mesh_v2(mesh_.sent[0].datagram, ring_);
  const MeshV2Decoded second = decode_mesh_v2(mesh_.sent[2].datagram, ring_);
  ASSERT_FALSE(first.refusal);
  EXPECT_EQ(first.header.type, MeshV2Type::kHeartbeat);
  EXPECT_EQ(first.timestamp, static_cast<std::uint64_t>(now_.time_since_epoch().count()));
  EXPECT_LT(first.header.sequence, second.header.sequence);
  EXPECT_EQ(core().counters().heartbeats_sent, 4u);
}

TEST_F(RelayCoreV2Test, WithoutAKeyNothingChangesFlushAndHeartbeatsDoNothing) {
  settings_.keyring = nullptr;
  const Bytes frame = build_frame();
  core().on_captured(frame, false);
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].datagram, mesh_v1(frame));
  core().flush();
  core().send_heartbeats();
  EXPECT_EQ(mesh_.sent.size(), 2u);
  // A v2 datagram reaching a v1 relay is what it always was: no "SS" prefix.
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame()}, 1, ring_), false);
  EXPECT_EQ(dropped(DropReason::kBadMagic), 1u);
  EXPECT_TRUE(emitted_.empty());
}

// ---- receiving ----------------------------------------------------------------------

TEST_F(RelayCoreV2Test, EveryFrameOfAnAuthenticDatagramIsRebroadcast) {
  core().on_mesh_datagram(
      kPeerA, from_peer_a({build_frame(client(1)), build_frame(client(2))}, 1, ring_), false);
  EXPECT_EQ(emitted_.size(), 2u);
  EXPECT_EQ(core().counters().rebroadcast, 2u);
}

TEST_F(RelayCoreV2Test, ForgedTamperedReplayedAndForeignDatagramsAreCountedAndNeverRebroadcast) {
  const Bytes good = from_peer_a({build_frame()}, 5, ring_);
  Bytes tampered = good;
  tampered[60] ^= 0x01;
  core().on_mesh_datagram(kPeerA, tampered, false);
  EXPECT_EQ(dropped(DropReason::kBadMac), 1u);
  const MeshKeyring other(key(9, 0xCD));
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame()}, 6, other), false);
  EXPECT_EQ(dropped(DropReason::kUnknownKey), 1u);
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_EQ(dropped(DropReason::kV1Refused), 1u);
  core().on_mesh_datagram(kStranger, good, false);
  EXPECT_EQ(dropped(DropReason::kUnknownPeer), 1u);
  EXPECT_TRUE(emitted_.empty());
  core().on_mesh_datagram(kPeerA, good, false);
  EXPECT_EQ(emitted_.size(), 1u) << "the authentic datagram still passes";
  core().on_mesh_datagram(kPeerA, good, false);
  EXPECT_EQ(dropped(DropReason::kReplay), 1u);
  EXPECT_EQ(emitted_.size(), 1u);
  EXPECT_EQ(dropped(DropReason::kDuplicate), 0u) << "refused before the dedup cache";
}

TEST_F(RelayCoreV2Test, OurOwnSenderIdIsALoopExceptInSelfRelayMode) {
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame()}, 1, ring_, kOurId), false);
  EXPECT_EQ(dropped(DropReason::kOwnSender), 1u);
  EXPECT_TRUE(emitted_.empty());
  ON_CALL(peers_, self_relay()).WillByDefault(Return(true));
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame()}, 2, ring_, kOurId), false);
  EXPECT_EQ(emitted_.size(), 1u);
}

TEST_F(RelayCoreV2Test, AHeartbeatIsAnsweredWithItsTimestampAndReported) {
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeat, 1, 123456789), false);
  ASSERT_EQ(mesh_.sent.size(), 1u);
  EXPECT_EQ(mesh_.sent[0].to, kPeerA);
  const MeshV2Decoded reply = decode_mesh_v2(mesh_.sent[0].datagram, ring_);
  ASSERT_FALSE(reply.refusal);
  EXPECT_EQ(reply.header.type, MeshV2Type::kHeartbeatReply);
  EXPECT_EQ(reply.header.sender, kOurId);
  EXPECT_EQ(reply.timestamp, 123456789u);
  EXPECT_EQ(health_of(kPeerA).state, PeerState::kUp);
  EXPECT_EQ(health_of(kPeerA).last_heard, now_);
  EXPECT_EQ(core().counters().heartbeats_received, 1u);
  // The same heartbeat again is a replay: no second answer.
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeat, 1, 123456789), false);
  EXPECT_EQ(mesh_.sent.size(), 1u);
  EXPECT_EQ(dropped(DropReason::kReplay), 1u);
}

TEST_F(RelayCoreV2Test, AReplyToOurHeartbeatGivesTheRoundTripTime) {
  const auto sent_at = static_cast<std::uint64_t>(now_.time_since_epoch().count());
  now_ += std::chrono::microseconds(350);
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeatReply, 1, sent_at), false);
  EXPECT_EQ(health_of(kPeerA).rtt, Duration(std::chrono::microseconds(350)));
  EXPECT_FALSE(health_of(kPeerC).rtt);
  EXPECT_EQ(core().counters().heartbeat_replies, 1u);
  EXPECT_TRUE(mesh_.sent.empty()) << "a reply is not answered";
}

TEST_F(RelayCoreV2Test, AReplyWithATimestampFromTheFutureGivesNoRoundTripTime) {
  const auto later = static_cast<std::uint64_t>(now_.time_since_epoch().count()) + 1;
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeatReply, 1, later), false);
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeatReply, 2, ~0ULL), false);
  EXPECT_FALSE(health_of(kPeerA).rtt);
  EXPECT_EQ(health_of(kPeerA).last_heard, now_) << "the peer is alive all the same";
}

TEST_F(RelayCoreV2Test, OnlyAuthenticatedDatagramsCountAsHearingFromAPeer) {
  Bytes forged = from_peer_a({build_frame()}, 1, ring_);
  forged[50] ^= 0x01;
  core().on_mesh_datagram(kPeerA, forged, false);
  core().on_mesh_datagram(kPeerA, mesh_v1(build_frame()), false);
  EXPECT_FALSE(health_of(kPeerA).last_heard) << "a forged or v1 datagram proves nothing";
  EXPECT_EQ(health_of(kPeerA).datagrams_received, 0u);
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame()}, 2, ring_), false);
  EXPECT_EQ(health_of(kPeerA).last_heard, now_);
}

TEST_F(RelayCoreV2Test, WithHeartbeatsOnAQuietPeerBecomesSilentButNotInAMixedMesh) {
  EXPECT_TRUE(core().peer_health().heartbeats_expected());
  settings_.accept_v1 = true;
  core_.reset();
  EXPECT_FALSE(core().peer_health().heartbeats_expected()) << "v1 peers send no heartbeats";
}

// ---- IPv6 peers ---------------------------------------------------------------------

const IpAddress kPeerV6 = peer_ip("2001:db8:3::2");

TEST_F(RelayCoreV2Test, WithAnIpv6PeerBatchesLeave20BytesForTheLargerHeader) {
  // Two 242-byte frames in one datagram make 552 bytes: within 560 for IPv4 peers,
  // beyond the 540 left when a peer is IPv6.
  FrameSpec big = client(1);
  big.payload = Bytes(200, 1);
  const Bytes f1 = build_frame(big);
  big.sport = 2;
  const Bytes f2 = build_frame(big);
  settings_.mesh_datagram_size = 560;
  core().on_captured(f1, false);
  core().on_captured(f2, false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u) << "IPv4 peers only: one datagram per peer";
  EXPECT_EQ(mesh_.sent[0].datagram.size(), 552u);

  mesh_.sent.clear();
  peer_list_ = {kPeerA, kPeerV6};
  core().on_captured(build_frame(client(3)), false);  // new frames: not duplicates
  big.sport = 4;
  core().on_captured(build_frame(big), false);
  big.sport = 5;
  core().on_captured(build_frame(big), false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 4u) << "an IPv6 peer: 540 bytes at most, two datagrams";
  for (const auto& sent : mesh_.sent) EXPECT_LE(sent.datagram.size(), 540u);
  EXPECT_EQ(mesh_.sent[0].to, kPeerA);
  EXPECT_EQ(mesh_.sent[1].to, kPeerV6);
}

TEST_F(RelayCoreV2Test, HeartbeatsAndRepliesWorkWithAnIpv6Peer) {
  peer_list_ = {kPeerA, kPeerV6};
  // Peer A's key and sender id, but from the IPv6 peer's address: it is who it claims
  // by address, the MAC proves the key.
  core().on_mesh_datagram(kPeerV6, heartbeat_from_a(MeshV2Type::kHeartbeat, 1, 42), false);
  ASSERT_EQ(mesh_.sent.size(), 1u);
  EXPECT_EQ(mesh_.sent[0].to, kPeerV6);
  EXPECT_EQ(health_of(kPeerV6).state, PeerState::kUp);
  core().send_heartbeats();
  ASSERT_EQ(mesh_.sent.size(), 3u);
  EXPECT_EQ(mesh_.sent[2].to, kPeerV6);
}

// ---- mixed meshes -------------------------------------------------------------------

TEST_F(RelayCoreV2Test, AcceptV1TakesV1FromPeersOnlyAndSendsV1UntilAPeerProvesV2) {
  settings_.accept_v1 = true;
  const Bytes frame = build_frame(client(1));
  core().on_mesh_datagram(kPeerA, mesh_v1(frame), false);
  EXPECT_EQ(emitted_.size(), 1u);
  core().on_mesh_datagram(kStranger, mesh_v1(build_frame(client(2))), false);
  EXPECT_EQ(dropped(DropReason::kUnknownPeer), 1u);

  // Nobody proved v2 yet: both peers get v1 at once.
  const Bytes mine = build_frame(client(3));
  core().on_captured(mine, false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].datagram, mesh_v1(mine));
  EXPECT_EQ(mesh_.sent[1].datagram, mesh_v1(mine));

  // Peer A's heartbeat proves it speaks v2: from now on A gets v2, C still v1.
  core().on_mesh_datagram(kPeerA, heartbeat_from_a(MeshV2Type::kHeartbeat, 1, 1), false);
  mesh_.sent.clear();
  const Bytes next = build_frame(client(4));
  core().on_captured(next, false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_EQ(mesh_.sent[0].to, kPeerC);
  EXPECT_EQ(mesh_.sent[0].datagram, mesh_v1(next));
  EXPECT_EQ(mesh_.sent[1].to, kPeerA);
  EXPECT_FALSE(decode_mesh_v2(mesh_.sent[1].datagram, ring_).refusal);

  // A proof lasts max(3 heartbeat intervals, 10 s); then A gets v1 again.
  now_ += std::chrono::seconds(11);
  mesh_.sent.clear();
  core().on_captured(build_frame(client(5)), false);
  core().flush();
  ASSERT_EQ(mesh_.sent.size(), 2u);
  EXPECT_TRUE(decode_mesh_v1(mesh_.sent[0].datagram));
  EXPECT_TRUE(decode_mesh_v1(mesh_.sent[1].datagram));
}


// ---- designated forwarder (issue 20, item 1) ------------------------------------------

// A relay beside us on our segment (198.18.2.1, lower than our .2), and peers elsewhere.
const IpAddress kMate = peer_ip("198.18.2.1");

class ElectionTest : public RelayCoreV2Test {
 protected:
  ElectionTest() {
    settings_.election_interval = std::chrono::seconds(1);
    peer_list_ = {kPeerA, kMate, kPeerC};  // sorted, as the directory keeps them
  }

  Bytes hello_from(IpAddress relay, std::uint64_t sender = 0x5EED) {
    Bytes out(kHelloFrameSize);
    encode_segment_hello({sender, 1, relay.v4(), true, relay.v4()}, mac("02:00:00:00:02:01"),
                         ip("198.18.2.255"), 7124, out);
    return out;
  }

  std::size_t sent_of_type(MeshV2Type type, std::uint64_t value) const {
    std::size_t n = 0;
    for (const auto& d : mesh_.sent) {
      const auto decoded = decode_mesh_v2(d.datagram, ring_);
      if (!decoded.refusal && decoded.header.type == type && decoded.timestamp == value) ++n;
    }
    return n;
  }

  std::size_t frames_sent_to(IpAddress peer) const {
    std::size_t n = 0;
    for (const auto& d : mesh_.sent) {
      const auto decoded = decode_mesh_v2(d.datagram, ring_);
      if (d.to == peer && !decoded.refusal && decoded.header.type == MeshV2Type::kFrames) ++n;
    }
    return n;
  }
};

TEST_F(ElectionTest, ALowerRelayHeardOnTheSegmentMakesUsStandByWhichEveryPeerIsTold) {
  EXPECT_EQ(core().counters().role, SegmentRole::kForwarder) << "alone at start";
  core().on_captured(hello_from(kMate), false);
  EXPECT_EQ(core().counters().hellos_received, 1u);
  EXPECT_EQ(core().counters().captured, 0u) << "election business, not traffic";
  core().tick();
  EXPECT_EQ(core().counters().role, SegmentRole::kStandby);
  EXPECT_EQ(core().counters().designated, kMate.v4());
  EXPECT_EQ(core().counters().segment_mates, 1u);
  EXPECT_EQ(sent_of_type(MeshV2Type::kRole, 0), 3u) << "standby, said to each of 3 peers";
}

TEST_F(ElectionTest, AStandbyNeitherForwardsWhatItCapturesNorReBroadcastsWhatItReceives) {
  core().on_captured(hello_from(kMate), false);
  core().tick();
  mesh_.sent.clear();
  core().on_captured(build_frame(client(1)), false);
  core().flush();
  EXPECT_EQ(frames_sent_to(kPeerA) + frames_sent_to(kPeerC), 0u);
  core().on_mesh_datagram(kPeerA, from_peer_a({build_frame(client(2))}, 1, ring_), false);
  EXPECT_TRUE(emitted_.empty());
  EXPECT_EQ(dropped(DropReason::kStandby), 2u);
}

TEST_F(ElectionTest, WhenTheForwarderIsSilentForThreeIntervalsTheStandbyTakesOverAndSaysSo) {
  core().on_captured(hello_from(kMate), false);
  core().tick();
  now_ += std::chrono::milliseconds(2900);
  core().tick();
  EXPECT_EQ(core().counters().role, SegmentRole::kStandby);
  mesh_.sent.clear();
  now_ += std::chrono::milliseconds(100);
  core().tick();
  EXPECT_EQ(core().counters().role, SegmentRole::kForwarder);
  EXPECT_EQ(sent_of_type(MeshV2Type::kRole, 1), 3u) << "forwarder again, said at once";
  core().on_captured(build_frame(client(3)), false);
  core().flush();
  EXPECT_EQ(frames_sent_to(kPeerA), 1u);
}

TEST_F(ElectionTest, AHigherRelayOnTheSegmentLeavesUsForwarding) {
  peer_list_ = {kPeerA, peer_ip("198.18.2.9"), kPeerC};
  core().on_captured(hello_from(peer_ip("198.18.2.9")), false);
  core().tick();
  EXPECT_EQ(core().counters().role, SegmentRole::kForwarder);
  EXPECT_EQ(core().counters().segment_mates, 1u);
}

TEST_F(ElectionTest, AHelloFromAnAddressThatIsNoPeerIsRefusedAndChangesNothing) {
  core().on_captured(hello_from(peer_ip("198.18.2.0")), false);
  core().tick();
  EXPECT_EQ(dropped(DropReason::kUnknownPeer), 1u);
  EXPECT_EQ(core().counters().role, SegmentRole::kForwarder);
}

TEST_F(ElectionTest, OurOwnHelloCapturedBackIsIgnored) {
  core().on_captured(hello_from(kMate, kOurId), false);
  core().tick();
  EXPECT_EQ(core().counters().hellos_received, 0u);
  EXPECT_EQ(core().counters().role, SegmentRole::kForwarder);
}

TEST_F(ElectionTest, SendHelloPutsOneHelloOnTheSegment) {
  core().send_hello();
  ASSERT_EQ(emitted_.size(), 1u);
  const auto ethernet = parse_ethernet(emitted_[0]);
  ASSERT_TRUE(ethernet);
  const auto hello = parse_segment_hello(*ethernet, 7124);
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->sender, kOurId);
  EXPECT_EQ(hello->address, kSelf.v4());
  EXPECT_EQ(core().counters().hellos_sent, 1u);
}

// A peer that announced it stands by gets no frames while its word is fresh (the v2
// proof lifetime, 10 s here); after that, unknown means send.
TEST_F(ElectionTest, APeerThatStandsByGetsNoFramesUntilItsWordGetsOld) {
  std::array<Byte, kMeshV2HeartbeatSize> out{};
  encode_mesh_v2_heartbeat({MeshV2Type::kRole, ring_.send_key_id(), kPeerAId, 77, 1}, 0,
                           ring_.send_mac(), out);
  core().on_mesh_datagram(kPeerA, Bytes(out.begin(), out.end()), false);
  core().on_captured(build_frame(client(4)), false);
  core().flush();
  EXPECT_EQ(frames_sent_to(kPeerA), 0u);
  EXPECT_EQ(frames_sent_to(kPeerC), 1u);
  now_ += std::chrono::seconds(10);
  core().on_captured(build_frame(client(5)), false);
  core().flush();
  EXPECT_EQ(frames_sent_to(kPeerA), 1u);
}

// The hello is a broadcast to the mesh port: the mesh sockets on the segment read it
// too. It is no mesh traffic, no sign of life and no bad input, election or not.
TEST_F(ElectionTest, AHelloReadByTheMeshSocketIsNeitherTrafficNorAWarning) {
  for (const bool election : {true, false}) {
    settings_.election_interval = election ? std::chrono::seconds(1) : Duration::zero();
    core_.reset();
    const Bytes hello = hello_from(kMate);
    core().on_mesh_datagram(
        kMate, Bytes(hello.begin() + kEthernetHeaderSize + 28, hello.end()), false);
    EXPECT_EQ(dropped(DropReason::kSegmentHello), 1u);
    EXPECT_EQ(dropped(DropReason::kBadVersion) + dropped(DropReason::kBadMagic), 0u);
    EXPECT_EQ(core().counters().mesh_received, 0u);
    EXPECT_EQ(health_of(kMate).datagrams_received, 0u) << "not a sign of the mate's life";
  }
}

// The control: no election, every relay forwards whatever it hears (SnowSignal).
TEST_F(ElectionTest, ControlWithTheElectionOffEveryRelayForwards) {
  settings_.election_interval = Duration::zero();
  core().on_captured(hello_from(kMate), false);
  core().tick();
  EXPECT_EQ(core().counters().role, SegmentRole::kOff);
  core().on_captured(build_frame(client(6)), false);
  core().flush();
  EXPECT_EQ(frames_sent_to(kPeerA), 1u);
}

}  // namespace
}  // namespace snowsignal::testing
