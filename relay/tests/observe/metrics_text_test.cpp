// /metrics: the Prometheus text format, rendered by a pure function. The promtool check
// (skipped with the reason when promtool is missing) proves the format is accepted by
// Prometheus' own parser and linter.
#include "metrics_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricsSnapshot busy_relay() {
  MetricsSnapshot s;
  s.version = "1.2.3";
  s.interface = "eth0";
  s.counters.captured = 11;
  s.counters.forwarded = 22;
  s.counters.mesh_received = 33;
  s.counters.rebroadcast = 44;
  s.counters.send_errors = 5;
  s.counters.capture_kernel_drops = 6;
  s.counters.drop(DropReason::kUnknownPeer);
  s.counters.drop(DropReason::kUnknownPeer);
  s.counters.drop(DropReason::kEcho);
  s.counters.mesh_receive_overflows = 7;
  s.counters.mesh_send_errors = 3;
  s.counters.emit_errors = 2;
  s.counters.heartbeats_sent = 12;
  s.counters.heartbeats_received = 13;
  s.counters.heartbeat_replies = 14;
  s.counters.reassembled = 15;
  s.counters.fragmented = 16;
  s.counters.local_captured = 17;
  s.counters.local_delivered = 18;
  s.counters.role = SegmentRole::kStandby;
  s.counters.segment_mates = 2;
  s.peers = {peer_ip(0xC6120202), peer_ip(0xC6120302)};
  s.capture_open = true;
  s.interface_up = true;
  PeerStatus b;
  b.peer = peer_ip(0xC6120202);
  b.state = PeerState::kUp;
  b.datagrams_sent = 8;
  b.bytes_received = 900;
  b.rtt = std::chrono::microseconds(1500);
  PeerStatus c;
  c.peer = peer_ip(0xC6120302);
  c.state = PeerState::kUnreachable;
  c.icmp_errors = 3;
  s.peer_health = {b, c};
  return s;
}

TEST(MetricsText, HasEveryCounterAsATotal) {
  const std::string text = prometheus_text(busy_relay());
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_captured_total 11\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_forwarded_total 22\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_mesh_received_total 33\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_rebroadcast_total 44\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_send_errors_total 5\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_capture_kernel_drops_total 6\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_mesh_receive_overflows_total 7\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_mesh_send_errors_total 3\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_emit_errors_total 2\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_heartbeats_sent_total 12\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_heartbeats_received_total 13\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_heartbeat_replies_total 14\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_reassembled_total 15\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_fragmented_total 16\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_local_captured_total 17\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_local_delivered_total 18\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_designated_forwarder{role=\"standby\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_segment_relays 2\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE snowsignal_captured_total counter\n"));
}

TEST(MetricsText, HasOneDroppedSeriesPerReasonZeroOrNot) {
  const std::string text = prometheus_text(busy_relay());
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_dropped_total{reason=\"unknown_peer\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_dropped_total{reason=\"echo\"} 1\n"));
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    const std::string reason(drop_reason_name(static_cast<DropReason>(i)));
    EXPECT_THAT(text, HasSubstr("snowsignal_dropped_total{reason=\"" + reason + "\"} ")) << reason;
  }
  // One family: HELP and TYPE once.
  EXPECT_EQ(text.find("# TYPE snowsignal_dropped_total"),
            text.rfind("# TYPE snowsignal_dropped_total"));
}

TEST(MetricsText, ListsPeersAndTheirCount) {
  const std::string text = prometheus_text(busy_relay());
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peers 2\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer{peer=\"198.18.2.2\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer{peer=\"198.18.3.2\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_self_relay 0\n"));
}

TEST(MetricsText, GivesEachPeersStateAsOneSeriesPerStateAndItsTraffic) {
  const std::string text = prometheus_text(busy_relay());
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_state{peer=\"198.18.2.2\",state=\"up\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("\nsnowsignal_peer_state{peer=\"198.18.2.2\",state=\"unreachable\"} 0\n"));
  EXPECT_THAT(text,
              HasSubstr("\nsnowsignal_peer_state{peer=\"198.18.3.2\",state=\"unreachable\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_state{peer=\"198.18.3.2\",state=\"up\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_datagrams_sent_total{peer=\"198.18.2.2\"} 8\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_bytes_received_total{peer=\"198.18.2.2\"} 900\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_icmp_errors_total{peer=\"198.18.3.2\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_rtt_seconds{peer=\"198.18.2.2\"} 0.0015\n"));
  EXPECT_THAT(text, Not(HasSubstr("snowsignal_peer_rtt_seconds{peer=\"198.18.3.2\"}")));
}

TEST(MetricsText, LabelsIpv6PeersWithTheirShortTextAndIpv4OnesDotted) {
  MetricsSnapshot s = busy_relay();
  s.peers = {peer_ip("2001:db8:3::2"), peer_ip(0xC6120202)};
  s.peer_health[1].peer = peer_ip("2001:db8:3::2");
  const std::string text = prometheus_text(s);
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer{peer=\"2001:db8:3::2\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer{peer=\"198.18.2.2\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("::ffff:"))) << "IPv4 peers are never shown mapped";
  EXPECT_THAT(
      text, HasSubstr("\nsnowsignal_peer_state{peer=\"2001:db8:3::2\",state=\"unreachable\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peer_icmp_errors_total{peer=\"2001:db8:3::2\"} 3\n"));
}

TEST(MetricsText, SelfRelayModeCountsNoPeers) {
  MetricsSnapshot s = busy_relay();
  s.peers = {peer_ip(0xC6120102)};
  s.self_relay = true;
  const std::string text = prometheus_text(s);
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_peers 0\n"));
  EXPECT_THAT(text, HasSubstr("\nsnowsignal_self_relay 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("snowsignal_peer{")));
}

TEST(MetricsText, CaptureUpFollowsTheInterface) {
  MetricsSnapshot s = busy_relay();
  EXPECT_THAT(prometheus_text(s), HasSubstr("\nsnowsignal_capture_up{interface=\"eth0\"} 1\n"));
  s.interface_up = false;
  EXPECT_THAT(prometheus_text(s), HasSubstr("\nsnowsignal_capture_up{interface=\"eth0\"} 0\n"));
}

TEST(MetricsText, HasBuildInfoWithTheVersion) {
  EXPECT_THAT(prometheus_text(busy_relay()),
              HasSubstr("\nsnowsignal_build_info{version=\"1.2.3\"} 1\n"));
}

TEST(MetricsText, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  MetricsSnapshot s = busy_relay();
  s.interface = "we\"ird";
  EXPECT_THAT(prometheus_text(s), HasSubstr("interface=\"we\\\"ird\""));
}

TEST(MetricsText, EveryLineIsACommentOrASampleAndTheBodyEndsWithANewline) {
  const std::string text = prometheus_text(busy_relay());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(line.starts_with("# HELP snowsignal_") || line.starts_with("# TYPE snowsignal_") ||
                line.starts_with("snowsignal_"))
        << line;
  }
}

// The writer is what later families (per-peer state, ...) are added with.
TEST(PrometheusWriter, WritesHelpTypeAndLabelledSamples) {
  PrometheusWriter w;
  w.family("x_state", PrometheusWriter::Type::kGauge, "State.");
  w.sample({{"peer", "198.18.2.2"}, {"state", "up"}}, std::uint64_t{1});
  w.sample({{"peer", "198.18.3.2"}, {"state", "silent"}}, 0.5);
  EXPECT_EQ(w.text(),
            "# HELP x_state State.\n# TYPE x_state gauge\n"
            "x_state{peer=\"198.18.2.2\",state=\"up\"} 1\n"
            "x_state{peer=\"198.18.3.2\",state=\"silent\"} 0.5\n");
}

bool have_promtool() {
  return std::system("command -v promtool >/dev/null 2>&1") == 0;
}

// `promtool check metrics` reads the exposition from stdin and exits non-zero on a parse
// error or a lint problem (missing HELP, counters without _total, bad names, ...).
TEST(MetricsText, PromtoolAcceptsIt) {
  if (!have_promtool()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  const auto path = std::filesystem::temp_directory_path() /
                    ("snowsignal-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << prometheus_text(busy_relay());
  const std::string command = "promtool check metrics < " + path.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  std::filesystem::remove(path);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "") << "promtool lint findings";
}

// Negative control for the check above: promtool does reject a broken exposition.
TEST(MetricsText, PromtoolRejectsABrokenExposition) {
  if (!have_promtool()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  EXPECT_NE(std::system("printf 'snowsignal_x_total{reason=\"a} 1\\n' | promtool check metrics "
                        ">/dev/null 2>&1"),
            0);
}

}  // namespace
}  // namespace snowsignal::testing
