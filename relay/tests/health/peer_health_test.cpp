// The per-peer liveness state machine on a fake clock: every transition, the counts,
// one notification per change (never one per datagram), and the restart promise.
#include "snowsignal/peer_health.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const IpAddress kPeerA = peer_ip(0xC6120102);  // 198.18.1.2
const IpAddress kPeerC = peer_ip(0xC6120302);  // 198.18.3.2
const IpAddress kStranger = peer_ip(0xC6120909);

struct Change {
  IpAddress peer;
  PeerState from;
  PeerState to;
  std::string reason;
  TimePoint at;
};

class RecordingListener : public PeerStateListener {
 public:
  void on_state_change(const PeerStatus& status, PeerState previous, TimePoint) override {
    changes.push_back({status.peer, previous, status.state, status.reason, status.since});
  }
  std::vector<Change> changes;
};

class PeerHealthTest : public ::testing::Test {
 protected:
  PeerHealthTest() { health_.set_peers(peers_, now_); }

  void advance(Duration d) { now_ += d; }
  PeerState state(IpAddress peer) const { return health_.find(peer)->state; }
  // Sends to `peer` every `period` for `total`, ticking as the relay does.
  void send_for(IpAddress peer, Duration total, Duration period) {
    for (Duration t{}; t < total; t += period) {
      health_.sent_to(peer, 100, now_);
      health_.tick(now_);
      advance(period);
    }
  }

  TimePoint now_{seconds(1000)};
  std::vector<IpAddress> peers_{kPeerA, kPeerC};
  RecordingListener listener_;
  PeerHealth health_{PeerHealthSettings{}, &listener_};
};

TEST_F(PeerHealthTest, EveryPeerStartsUnknownAndNothingIsLogged) {
  ASSERT_EQ(health_.peers().size(), 2u);
  EXPECT_EQ(state(kPeerA), PeerState::kUnknown);
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
  EXPECT_FALSE(health_.find(kPeerA)->last_heard);
  EXPECT_TRUE(listener_.changes.empty());
}

TEST_F(PeerHealthTest, CountsTrafficBothWaysAndSendErrorsPerPeer) {
  health_.sent_to(kPeerA, 100, now_);
  health_.sent_to(kPeerA, 50, now_);
  health_.heard_from(kPeerA, 70, now_);
  health_.send_failed(kPeerC, std::nullopt, now_);
  const PeerStatus& a = *health_.find(kPeerA);
  EXPECT_EQ(a.datagrams_sent, 2u);
  EXPECT_EQ(a.bytes_sent, 150u);
  EXPECT_EQ(a.datagrams_received, 1u);
  EXPECT_EQ(a.bytes_received, 70u);
  EXPECT_EQ(a.last_heard, now_);
  EXPECT_EQ(health_.find(kPeerC)->send_errors, 1u);
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown) << "a plain send error says nothing of the peer";
}

TEST_F(PeerHealthTest, AddressesThatAreNotPeersAreIgnored) {
  health_.heard_from(kStranger, 10, now_);
  health_.icmp_error(kStranger, "ICMP port unreachable", now_);
  EXPECT_EQ(health_.find(kStranger), nullptr);
  EXPECT_TRUE(listener_.changes.empty());
}

TEST_F(PeerHealthTest, UnknownBecomesUpWhenHeardOnce) {
  health_.heard_from(kPeerA, 10, now_);
  health_.heard_from(kPeerA, 10, now_ + milliseconds(1));
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  ASSERT_EQ(listener_.changes.size(), 1u);
  EXPECT_EQ(listener_.changes[0].from, PeerState::kUnknown);
  EXPECT_EQ(listener_.changes[0].to, PeerState::kUp);
}

TEST_F(PeerHealthTest, IcmpErrorMakesItUnreachableOnceHoweverManyArrive) {
  for (int i = 0; i < 50; ++i) {
    health_.sent_to(kPeerC, 100, now_);
    health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
    health_.tick(now_);
    advance(milliseconds(100));
  }
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
  EXPECT_EQ(health_.find(kPeerC)->reason, "ICMP port unreachable");
  EXPECT_EQ(health_.find(kPeerC)->icmp_errors, 50u);
  ASSERT_EQ(listener_.changes.size(), 1u);
  EXPECT_EQ(listener_.changes[0].to, PeerState::kUnreachable);
}

TEST_F(PeerHealthTest, UpBecomesUnreachableOnIcmpError) {
  health_.heard_from(kPeerC, 10, now_);
  advance(seconds(1));
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
  EXPECT_EQ(health_.find(kPeerC)->since, now_);
}

TEST_F(PeerHealthTest, ASendThatFailsForWantOfARouteMakesItUnreachable) {
  health_.send_failed(kPeerC, "No route to host", now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
  EXPECT_EQ(health_.find(kPeerC)->reason, "No route to host");
  EXPECT_EQ(health_.find(kPeerC)->send_errors, 1u);
}

TEST_F(PeerHealthTest, UnreachableIsBackAsSoonAsHeard) {
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  advance(seconds(41));
  health_.heard_from(kPeerC, 10, now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUp);
  ASSERT_EQ(listener_.changes.size(), 2u);
  EXPECT_EQ(listener_.changes[1].from, PeerState::kUnreachable);
  EXPECT_EQ(listener_.changes[1].to, PeerState::kUp);
  EXPECT_EQ(health_.find(kPeerC)->reason, "");
}

TEST_F(PeerHealthTest, UnreachableStaysWhileErrorsKeepComingAtTheKernelsIcmpRate) {
  // The peer's kernel answers at most once a second; sends in between draw nothing and
  // must not be read as "the port is open again".
  for (int second = 0; second < 10; ++second) {
    health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
    send_for(kPeerC, seconds(1), milliseconds(50));
  }
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
  EXPECT_EQ(listener_.changes.size(), 1u);
}

TEST_F(PeerHealthTest, UnreachableStaysWithNoSendsBecauseNothingNewIsKnown) {
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  for (int i = 0; i < 600; ++i) {
    advance(seconds(1));
    health_.tick(now_);
  }
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
}

TEST_F(PeerHealthTest, UnreachableBecomesUnknownWhenAProbeAfterTheIcmpGapDrawsNoError) {
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  const TimePoint error_at = now_;
  send_for(kPeerC, seconds(3), milliseconds(100));
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
  ASSERT_EQ(listener_.changes.size(), 2u);
  EXPECT_EQ(listener_.changes[1].from, PeerState::kUnreachable);
  EXPECT_EQ(listener_.changes[1].to, PeerState::kUnknown);
  // Dated at the probe (the first send 1 s after the error), which got through.
  EXPECT_EQ(listener_.changes[1].at - error_at, seconds(1));
}

TEST_F(PeerHealthTest, AnErrorDuringTheProbeWaitKeepsItUnreachable) {
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  advance(milliseconds(1100));
  health_.sent_to(kPeerC, 100, now_);  // the probe
  advance(milliseconds(10));
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);  // its answer
  advance(milliseconds(600));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
}

TEST_F(PeerHealthTest, UpBecomesUnknownInV1AfterTheIdleTimeAndIsUpAgainWhenHeard) {
  health_.heard_from(kPeerA, 10, now_);
  advance(seconds(59));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  advance(seconds(1));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerA), PeerState::kUnknown);
  health_.tick(now_ + seconds(1));
  health_.heard_from(kPeerA, 10, now_ + seconds(2));
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  EXPECT_EQ(listener_.changes.size(), 3u);  // up, unknown, up: each once
}

TEST_F(PeerHealthTest, WithoutHeartbeatsAPeerThatNeverAnswersIsUnknownNeverSilent) {
  for (int i = 0; i < 300; ++i) {
    health_.sent_to(kPeerC, 100, now_);
    advance(seconds(1));
    health_.tick(now_);
  }
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
  EXPECT_TRUE(listener_.changes.empty());
}

TEST_F(PeerHealthTest, WithHeartbeatsAPeerNeverHeardBecomesSilentAfterTheTimeout) {
  health_.expect_heartbeats(seconds(15));
  advance(seconds(14));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
  advance(seconds(1));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerC), PeerState::kSilent);
  EXPECT_NE(health_.find(kPeerC)->reason.find("no heartbeat"), std::string::npos);
}

TEST_F(PeerHealthTest, WithHeartbeatsUpBecomesSilentAndABeatBringsItBackWithItsRtt) {
  health_.expect_heartbeats(seconds(15));
  health_.on_heartbeat(kPeerA, now_);
  health_.on_rtt(kPeerA, milliseconds(3));
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  EXPECT_EQ(health_.find(kPeerA)->rtt, milliseconds(3));
  advance(seconds(16));
  health_.tick(now_);
  health_.tick(now_ + seconds(1));
  EXPECT_EQ(state(kPeerA), PeerState::kSilent);
  health_.on_heartbeat(kPeerA, now_ + seconds(2));
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  // unknown->up, up->silent, silent->up for A; C went silent too.
  std::size_t a_changes = 0;
  for (const auto& c : listener_.changes) a_changes += c.peer == kPeerA ? 1 : 0;
  EXPECT_EQ(a_changes, 3u);
}

TEST_F(PeerHealthTest, WithHeartbeatsAnIcmpErrorStillSaysUnreachableNotSilent) {
  health_.expect_heartbeats(seconds(15));
  health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
  advance(seconds(30));
  health_.tick(now_);
  EXPECT_EQ(state(kPeerC), PeerState::kUnreachable);
}

// Drives one outage: we send every 100 ms (a client searching); the peer's relay is
// gone from `killed` to `listening`, during which its kernel answers with an ICMP error
// at most once a second; from `first_heard` on (if set) it relays something every
// 100 ms. Returns the state changes of the peer as the listener saw them.
struct Outage {
  TimePoint killed, listening;
  std::optional<TimePoint> first_heard;
};

Duration reported_down(const std::vector<Change>& changes, std::optional<TimePoint>* ended) {
  Duration total{};
  std::optional<TimePoint> since;
  for (const auto& c : changes) {
    if (c.to == PeerState::kUnreachable) since = c.at;
    if (c.from == PeerState::kUnreachable && since) {
      total += c.at - *since;
      if (ended) *ended = c.at;
    }
  }
  return total;
}

TEST_F(PeerHealthTest, ARestartedPeerIsNeverReportedDownForLongerThanTheRestartTook) {
  const TimePoint start = now_;
  health_.heard_from(kPeerC, 10, now_);
  const Outage outage{start + milliseconds(10050), start + milliseconds(15050),
                      start + milliseconds(15050)};
  TimePoint last_icmp{};
  while (now_ < start + seconds(20)) {
    const bool down = now_ >= outage.killed && now_ < outage.listening;
    health_.sent_to(kPeerC, 100, now_);
    if (down && now_ - last_icmp >= seconds(1)) {
      health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
      last_icmp = now_;
    }
    if (now_ >= *outage.first_heard) health_.heard_from(kPeerC, 10, now_);
    health_.tick(now_);
    advance(milliseconds(100));
  }
  const Duration down = reported_down(listener_.changes, nullptr);
  EXPECT_EQ(state(kPeerC), PeerState::kUp);
  EXPECT_GT(down, Duration{}) << "the outage was seen";
  EXPECT_LE(down, outage.listening - outage.killed);
}

TEST_F(PeerHealthTest, ARestartedPeerOnAQuietSegmentLeavesUnreachableWithinOneIcmpInterval) {
  // Same, but the peer never relays anything back: only the missing ICMP error tells,
  // and the kernel's rate limit makes that at most icmp_rate_gap late.
  const TimePoint start = now_;
  const Outage outage{start + milliseconds(10050), start + milliseconds(15350), std::nullopt};
  TimePoint last_icmp{};
  while (now_ < start + seconds(20)) {
    const bool down = now_ >= outage.killed && now_ < outage.listening;
    health_.sent_to(kPeerC, 100, now_);
    if (down && now_ - last_icmp >= seconds(1)) {
      health_.icmp_error(kPeerC, "ICMP port unreachable", now_);
      last_icmp = now_;
    }
    health_.tick(now_);
    advance(milliseconds(100));
  }
  std::optional<TimePoint> ended;
  const Duration down = reported_down(listener_.changes, &ended);
  ASSERT_TRUE(ended);
  EXPECT_GE(*ended, outage.listening) << "never reported back while it was still down";
  EXPECT_LE(*ended - outage.listening, seconds(1));
  EXPECT_LE(down, outage.listening - outage.killed + seconds(1));
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
}

TEST_F(PeerHealthTest, PeersLeavingAndJoiningTheSetAreForgottenAndStartUnknown) {
  health_.heard_from(kPeerA, 10, now_);
  const std::vector<IpAddress> next{kPeerA, kStranger};
  health_.set_peers(next, now_);
  ASSERT_EQ(health_.peers().size(), 2u);
  EXPECT_EQ(state(kPeerA), PeerState::kUp) << "a peer that stays keeps its state";
  EXPECT_EQ(health_.find(kPeerC), nullptr);
  EXPECT_EQ(state(kStranger), PeerState::kUnknown);
}

TEST_F(PeerHealthTest, IpFamiliesMixAndAnIpv6PeerIsKeptApartFromIpv4Ones) {
  const IpAddress v6 = peer_ip("2001:db8:3::2");
  std::vector<IpAddress> next{kPeerA, kPeerC, v6};
  std::sort(next.begin(), next.end());
  health_.heard_from(kPeerA, 10, now_);
  health_.set_peers(next, now_);
  ASSERT_EQ(health_.peers().size(), 3u);
  EXPECT_EQ(state(kPeerA), PeerState::kUp);
  EXPECT_EQ(state(v6), PeerState::kUnknown);
  health_.icmp_error(v6, "ICMPv6 port unreachable", now_);
  EXPECT_EQ(state(v6), PeerState::kUnreachable);
  EXPECT_EQ(state(kPeerC), PeerState::kUnknown);
  ASSERT_FALSE(listener_.changes.empty());
  EXPECT_EQ(listener_.changes.back().peer, v6);
  EXPECT_EQ(peer_change_message(*health_.find(v6), PeerState::kUnknown, now_, "12:03:04"),
            "peer 2001:db8:3::2 unreachable (ICMPv6 port unreachable) since 12:03:04");
}

TEST(PeerChangeMessage, SaysWhatChangedOnceInTheIssuesWords) {
  PeerStatus status;
  status.peer = kPeerC;
  status.state = PeerState::kUnreachable;
  status.reason = "ICMP port unreachable";
  status.since = TimePoint{seconds(100)};
  EXPECT_EQ(peer_change_message(status, PeerState::kUp, TimePoint{seconds(50)}, "12:03:04"),
            "peer 198.18.3.2 unreachable (ICMP port unreachable) since 12:03:04");
  status.state = PeerState::kUp;
  status.reason.clear();
  status.since = TimePoint{seconds(141)};
  EXPECT_EQ(
      peer_change_message(status, PeerState::kUnreachable, TimePoint{seconds(100)}, "12:03:45"),
      "peer 198.18.3.2 back after 41 s");
  EXPECT_EQ(peer_change_message(status, PeerState::kUnknown, TimePoint{seconds(100)}, "12:03:45"),
            "peer 198.18.3.2 up");
  EXPECT_TRUE(peer_change_is_warning(PeerState::kUnreachable));
  EXPECT_TRUE(peer_change_is_warning(PeerState::kSilent));
  EXPECT_FALSE(peer_change_is_warning(PeerState::kUp));
}

}  // namespace
}  // namespace snowsignal::testing
