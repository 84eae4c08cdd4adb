// /healthz: healthy only with a running capture on an up interface and a real peer.
#include "health_verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

MetricsSnapshot healthy_relay() {
  MetricsSnapshot s;
  s.interface = "eth0";
  s.peers = {peer_ip(0xC6120202)};
  s.capture_open = true;
  s.interface_up = true;
  return s;
}

TEST(Health, CaptureRunningAndAPeerIsHealthy) {
  const HealthVerdict v = evaluate_health(healthy_relay());
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.text, "ok: capturing on eth0, 1 peer");
}

TEST(Health, InterfaceDownIsUnhealthyAndSaysSo) {
  MetricsSnapshot s = healthy_relay();
  s.interface_up = false;
  const HealthVerdict v = evaluate_health(s);
  EXPECT_FALSE(v.healthy);
  EXPECT_EQ(v.text, "unhealthy: capture interface eth0 is down");
}

TEST(Health, CaptureNotOpenIsUnhealthy) {
  MetricsSnapshot s = healthy_relay();
  s.capture_open = false;
  const HealthVerdict v = evaluate_health(s);
  EXPECT_FALSE(v.healthy);
  EXPECT_THAT(v.text, HasSubstr("capture on eth0 is not running"));
}

TEST(Health, SelfRelayModeIsUnhealthy) {
  MetricsSnapshot s = healthy_relay();
  s.self_relay = true;  // peers then holds our own address
  const HealthVerdict v = evaluate_health(s);
  EXPECT_FALSE(v.healthy);
  EXPECT_THAT(v.text, HasSubstr("no peer resolved"));
}

TEST(Health, GivesEveryReasonAtOnce) {
  MetricsSnapshot s = healthy_relay();
  s.interface_up = false;
  s.peers.clear();
  const HealthVerdict v = evaluate_health(s);
  EXPECT_THAT(v.text, StartsWith("unhealthy: capture interface eth0 is down; no peer"));
}

}  // namespace
}  // namespace snowsignal::testing
