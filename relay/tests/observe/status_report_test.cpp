// `snowsignal status`: the document a relay serves and the screen made of it.
#include "status_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const TimePoint kNow = TimePoint{} + std::chrono::seconds(1000);

MetricsSnapshot relay_with_a_dead_peer() {
  MetricsSnapshot s;
  s.version = "0.2.0";
  s.interface = "eth0";
  s.capture_open = true;
  s.interface_up = true;
  s.peers = {peer_ip(0xC6120202), peer_ip(0xC6120302)};
  PeerStatus up;
  up.peer = peer_ip(0xC6120202);
  up.state = PeerState::kUp;
  up.since = kNow - std::chrono::seconds(90);
  up.last_heard = kNow - std::chrono::seconds(2);
  up.datagrams_sent = 14;
  up.datagrams_received = 12;
  up.rtt = std::chrono::microseconds(420);
  PeerStatus dead;
  dead.peer = peer_ip(0xC6120302);
  dead.state = PeerState::kUnreachable;
  dead.since = kNow - std::chrono::seconds(8);
  dead.reason = "ICMP port unreachable";
  dead.datagrams_sent = 3;
  s.peer_health = {up, dead};
  s.counters.captured = 14;
  s.counters.forwarded = 14;
  s.counters.capture_kernel_drops = 5;
  s.counters.drop(DropReason::kUnknownPeer);
  return s;
}

StatusHeader healthy_header() {
  return {7124, "v1", 3725, true, "ok: capturing on eth0, 2 peers"};
}

TEST(StatusReport, TheScreenShowsTheRelayEveryPeerWithItsStateAndOnlyNonZeroLosses) {
  const StatusScreen screen =
      render_status(status_document(healthy_header(), relay_with_a_dead_peer(), kNow));
  ASSERT_TRUE(screen.readable) << screen.text;
  EXPECT_TRUE(screen.healthy);
  EXPECT_THAT(screen.text, HasSubstr("relay: ok: capturing on eth0, 2 peers"));
  EXPECT_THAT(screen.text, HasSubstr("mesh: port 7124, v1"));
  EXPECT_THAT(screen.text, HasSubstr("uptime: 1h 02m"));
  EXPECT_THAT(screen.text,
              ::testing::ContainsRegex("198\\.18\\.2\\.2 +up +1m 30s +2 s ago +0\\.42 ms +14 +12"));
  EXPECT_THAT(screen.text,
              ::testing::ContainsRegex(
                  "198\\.18\\.3\\.2 +unreachable +8 s +never +- +3 +0 +ICMP port unreachable"));
  EXPECT_THAT(screen.text, HasSubstr("relayed: captured 14, forwarded 14"));
  EXPECT_THAT(screen.text, HasSubstr("losses: capture_kernel_drops 5"));
  EXPECT_THAT(screen.text, Not(HasSubstr("emit_errors")));
  EXPECT_THAT(screen.text, HasSubstr("dropped: unknown_peer 1"));
  EXPECT_THAT(screen.text, Not(HasSubstr("own_mac")));
  EXPECT_EQ(status_exit_code(screen), 0);
}

TEST(StatusReport, TheScreenSaysTheSegmentRoleOnlyWhenThereIsAnElection) {
  MetricsSnapshot standby = relay_with_a_dead_peer();
  standby.counters.role = SegmentRole::kStandby;
  standby.counters.designated = Ipv4Address{0xC6120101};
  standby.counters.segment_mates = 2;
  EXPECT_THAT(render_status(status_document(healthy_header(), standby, kNow)).text,
              HasSubstr("segment: standby (198.18.1.1 forwards, 2 other relays heard on the "
                        "segment)\n"));
  MetricsSnapshot forwarder = standby;
  forwarder.counters.role = SegmentRole::kForwarder;
  forwarder.counters.segment_mates = 1;
  EXPECT_THAT(render_status(status_document(healthy_header(), forwarder, kNow)).text,
              HasSubstr("segment: forwarder (1 other relay heard on the segment)\n"));
  EXPECT_THAT(render_status(status_document(healthy_header(), relay_with_a_dead_peer(), kNow)).text,
              Not(HasSubstr("segment:")));
}

TEST(StatusReport, TheExitStatusFollowsTheVerdictAndAnUnreadableAnswerIsTwo) {
  StatusHeader sick = healthy_header();
  sick.healthy = false;
  sick.verdict = "unhealthy: no peer resolved";
  MetricsSnapshot alone = relay_with_a_dead_peer();
  alone.peer_health.clear();
  const StatusScreen screen = render_status(status_document(sick, alone, kNow));
  EXPECT_FALSE(screen.healthy);
  EXPECT_THAT(screen.text, HasSubstr("relay: unhealthy: no peer resolved"));
  EXPECT_THAT(screen.text, HasSubstr("peers: none"));
  EXPECT_EQ(status_exit_code(screen), 1);
  for (const char* junk : {"", "HTTP/1.1 200 OK\r\n", "{}", "{\"healthy\": \"yes\"}"}) {
    const StatusScreen bad = render_status(junk);
    EXPECT_FALSE(bad.readable) << junk;
    EXPECT_EQ(status_exit_code(bad), 2) << junk;
  }
}

TEST(StatusReport, TheJsonDocumentKeepsTheStatsKeysAndAddsTheHeader) {
  const auto doc =
      nlohmann::json::parse(status_document(healthy_header(), relay_with_a_dead_peer(), kNow));
  EXPECT_EQ(doc.at("mesh_port"), 7124);
  EXPECT_EQ(doc.at("healthy"), true);
  EXPECT_EQ(doc.at("interface"), "eth0");
  EXPECT_EQ(doc.at("captured"), 14);
  EXPECT_EQ(doc.at("dropped").at("unknown_peer"), 1);
  EXPECT_EQ(doc.at("peer_health").at("198.18.3.2").at("state"), "unreachable");
}

}  // namespace
}  // namespace snowsignal::testing
