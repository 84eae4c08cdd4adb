// The stats JSON contract read by netsim and the integration tests.
#include "stats_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

TEST(StatsJson, HasTheContractKeysAndEveryDropReason) {
  Counters counters;
  counters.captured = 5;
  counters.forwarded = 4;
  counters.mesh_received = 3;
  counters.rebroadcast = 2;
  counters.send_errors = 1;
  counters.emit_errors = 1;
  counters.capture_kernel_drops = 7;
  counters.mesh_receive_overflows = 8;
  counters.local_captured = 9;
  counters.local_delivered = 10;
  counters.role = SegmentRole::kStandby;
  counters.designated = Ipv4Address{0xC6120201};
  counters.drop(DropReason::kUnknownPeer);
  const auto json =
      nlohmann::json::parse(stats_json(counters, {peer_ip(0xC6120202), peer_ip(0xC6120302)}));
  EXPECT_EQ(json["captured"], 5);
  EXPECT_EQ(json["forwarded"], 4);
  EXPECT_EQ(json["mesh_received"], 3);
  EXPECT_EQ(json["rebroadcast"], 2);
  EXPECT_EQ(json["send_errors"], 1);
  EXPECT_EQ(json["mesh_send_errors"], 0);
  EXPECT_EQ(json["emit_errors"], 1);
  EXPECT_EQ(json["capture_kernel_drops"], 7);
  EXPECT_EQ(json["mesh_receive_overflows"], 8);
  EXPECT_EQ(json["local_captured"], 9);
  EXPECT_EQ(json["local_delivered"], 10);
  EXPECT_EQ(json["role"], "standby");
  EXPECT_EQ(json["forwarder"], "198.18.2.1");
  EXPECT_EQ(json["dropped"]["unknown_peer"], 1);
  EXPECT_EQ(json["dropped"].size(), kDropReasonCount);
  for (const char* reason :
       {"own_mac", "not_broadcast", "wrong_port", "not_udp", "fragment", "malformed", "oversize",
        "bad_magic", "echo", "origin_segment", "duplicate"}) {
    EXPECT_EQ(json["dropped"][reason], 0) << reason;
  }
  EXPECT_EQ(json["peers"], nlohmann::json::array({"198.18.2.2", "198.18.3.2"}));
}

std::vector<PeerStatus> two_peers(TimePoint now) {
  PeerStatus up;
  up.peer = peer_ip(0xC6120202);
  up.state = PeerState::kUp;
  up.since = now - std::chrono::seconds(30);
  up.last_heard = now - std::chrono::milliseconds(1500);
  up.datagrams_sent = 7;
  up.bytes_sent = 700;
  up.datagrams_received = 3;
  up.bytes_received = 300;
  up.rtt = std::chrono::microseconds(2500);
  PeerStatus down;
  down.peer = peer_ip(0xC6120302);
  down.state = PeerState::kUnreachable;
  down.reason = "ICMP port unreachable";
  down.since = now - std::chrono::seconds(12);
  down.send_errors = 1;
  down.icmp_errors = 4;
  return {up, down};
}

TEST(StatsJson, PeerHealthHasEveryPeersStateTimesAndTrafficKeyedByAddress) {
  const TimePoint now{std::chrono::seconds(1000)};
  const auto health = two_peers(now);
  const auto json =
      nlohmann::json::parse(stats_json(Counters{}, {health[0].peer, health[1].peer}, health, now));
  EXPECT_EQ(json["peers"], nlohmann::json::array({"198.18.2.2", "198.18.3.2"})) << "kept";
  const auto& up = json["peer_health"]["198.18.2.2"];
  EXPECT_EQ(up["state"], "up");
  EXPECT_EQ(up["reason"], "");
  EXPECT_DOUBLE_EQ(up["seconds_in_state"].get<double>(), 30.0);
  EXPECT_DOUBLE_EQ(up["last_heard_seconds_ago"].get<double>(), 1.5);
  EXPECT_EQ(up["datagrams_sent"], 7);
  EXPECT_EQ(up["bytes_sent"], 700);
  EXPECT_EQ(up["datagrams_received"], 3);
  EXPECT_EQ(up["bytes_received"], 300);
  EXPECT_EQ(up["send_errors"], 0);
  EXPECT_EQ(up["icmp_errors"], 0);
  EXPECT_DOUBLE_EQ(up["rtt_ms"].get<double>(), 2.5);
  const auto& down = json["peer_health"]["198.18.3.2"];
  EXPECT_EQ(down["state"], "unreachable");
  EXPECT_EQ(down["reason"], "ICMP port unreachable");
  EXPECT_TRUE(down["last_heard_seconds_ago"].is_null()) << "never heard";
  EXPECT_TRUE(down["rtt_ms"].is_null()) << "v1 has no RTT";
  EXPECT_EQ(down["icmp_errors"], 4);
}

TEST(StatsLine, PeerPartSaysEachPeersStateAndForHowLong) {
  const TimePoint now{std::chrono::seconds(1000)};
  EXPECT_EQ(peers_line(two_peers(now), now),
            "198.18.2.2 up (heard 2 s ago), 198.18.3.2 unreachable for 12 s (ICMP port "
            "unreachable)");
  EXPECT_EQ(peers_line({}, now), "none");
}

TEST(StatsJson, Ipv6PeersAreListedAndKeyedByTheirTextIpv4OnesDotted) {
  const TimePoint now{std::chrono::seconds(1000)};
  auto health = two_peers(now);
  health[1].peer = peer_ip("2001:db8:3::2");
  health[1].reason = "ICMPv6 port unreachable";
  const auto json = nlohmann::json::parse(
      stats_json(Counters{}, {peer_ip(0xC6120202), peer_ip("2001:db8:3::2")}, health, now));
  EXPECT_EQ(json["peers"], nlohmann::json::array({"198.18.2.2", "2001:db8:3::2"}));
  EXPECT_EQ(json["peer_health"]["2001:db8:3::2"]["state"], "unreachable");
  EXPECT_EQ(json["peer_health"]["2001:db8:3::2"]["reason"], "ICMPv6 port unreachable");
  EXPECT_TRUE(json["peer_health"].contains("198.18.2.2"));
  EXPECT_EQ(peers_line(health, now),
            "198.18.2.2 up (heard 2 s ago), 2001:db8:3::2 unreachable for 12 s (ICMPv6 port "
            "unreachable)");
}

TEST(StatsLine, NamesEveryLossCounter) {
  Counters counters;
  counters.capture_kernel_drops = 3;
  counters.mesh_receive_overflows = 4;
  counters.emit_errors = 5;
  const std::string line = stats_line(counters);
  EXPECT_NE(line.find("capture_kernel_drops=3"), std::string::npos) << line;
  EXPECT_NE(line.find("mesh_receive_overflows=4"), std::string::npos) << line;
  EXPECT_NE(line.find("emit_errors=5"), std::string::npos) << line;
  EXPECT_NE(line.find("mesh_send_errors=0"), std::string::npos) << line;
}

TEST(StatsJson, HasTheMeshV2CountersAndDropReasons) {
  Counters counters;
  counters.heartbeats_sent = 6;
  counters.heartbeats_received = 5;
  counters.heartbeat_replies = 4;
  counters.drop(DropReason::kBadMac);
  counters.drop(DropReason::kBadMac);
  counters.drop(DropReason::kReplay);
  const auto json = nlohmann::json::parse(stats_json(counters, {}));
  EXPECT_EQ(json["heartbeats_sent"], 6);
  EXPECT_EQ(json["heartbeats_received"], 5);
  EXPECT_EQ(json["heartbeat_replies"], 4);
  EXPECT_EQ(json["dropped"]["bad_mac"], 2);
  EXPECT_EQ(json["dropped"]["replay"], 1);
  for (const char* reason :
       {"v1_refused", "bad_version", "malformed_v2", "unknown_key", "own_sender"}) {
    EXPECT_EQ(json["dropped"][reason], 0) << reason;
  }
  EXPECT_NE(stats_line(counters).find("bad_mac=2 replay=1"), std::string::npos);
}

TEST(StatsLine, ListsOnlyNonZeroDropReasons) {
  Counters counters;
  EXPECT_NE(stats_line(counters).find("dropped: none"), std::string::npos);
  counters.drop(DropReason::kEcho);
  const std::string line = stats_line(counters);
  EXPECT_NE(line.find("echo=1"), std::string::npos);
  EXPECT_EQ(line.find("own_mac"), std::string::npos);
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("snowsignal-stats-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "stats.json").string();
  ASSERT_EQ(write_file_atomically(path, "{\"a\":1}"), "");
  ASSERT_EQ(write_file_atomically(path, "{\"a\":2}"), "");
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{\"a\":2}\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
  std::filesystem::remove_all(dir);
}

TEST(WriteFileAtomically, ReportsAnUnwritableDirectory) {
  EXPECT_NE(write_file_atomically("/nonexistent-dir/stats.json", "{}"), "");
}

}  // namespace
}  // namespace snowsignal::testing
