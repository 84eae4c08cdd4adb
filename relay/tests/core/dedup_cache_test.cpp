// The dedup cache and the fingerprint it keys on.
#include "dedup_cache.h"

#include <gtest/gtest.h>

#include <memory>

#include "classify.h"
#include "frames.h"

namespace snowsignal::testing {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0{std::chrono::seconds(1000)};

std::uint64_t fingerprint_of(const Bytes& frame) {
  const ParsedFrame parsed = parse_broadcast_frame(frame, 5076);
  EXPECT_FALSE(parsed.drop);
  return frame_fingerprint(parsed.view);
}

TEST(Fingerprint, IgnoresFieldsTheRewriteChanges) {
  FrameSpec before;
  FrameSpec after = before;
  after.eth_src = kOurMac;
  after.ip_dst = "198.18.2.255";
  EXPECT_EQ(fingerprint_of(build_frame(before)), fingerprint_of(build_frame(after)));
}

TEST(Fingerprint, DiffersWhenSourcePortsOrPayloadDiffer) {
  const FrameSpec base;
  FrameSpec other_ip = base, other_port = base, other_payload = base, longer = base;
  other_ip.ip_src = "198.18.1.11";
  other_port.sport = 40001;
  other_payload.payload[52] ^= 1;
  longer.payload.push_back(0);
  const std::uint64_t fp = fingerprint_of(build_frame(base));
  EXPECT_NE(fp, fingerprint_of(build_frame(other_ip)));
  EXPECT_NE(fp, fingerprint_of(build_frame(other_port)));
  EXPECT_NE(fp, fingerprint_of(build_frame(other_payload)));
  EXPECT_NE(fp, fingerprint_of(build_frame(longer)));
}

TEST(DedupCache, RemembersCapturedAndReceivedSeparatelyWithinTheWindow) {
  auto cache = std::make_unique<DedupCache>(milliseconds(500));
  cache->note_captured(42, kT0);
  EXPECT_TRUE(cache->captured_recently(42, kT0 + milliseconds(499)));
  EXPECT_FALSE(cache->received_recently(42, kT0));
  cache->note_received(42, kT0 + milliseconds(100));
  EXPECT_TRUE(cache->received_recently(42, kT0 + milliseconds(599)));
  EXPECT_TRUE(cache->captured_recently(42, kT0 + milliseconds(499)));
}

TEST(DedupCache, ForgetsAfterTheWindow) {
  auto cache = std::make_unique<DedupCache>(milliseconds(500));
  cache->note_captured(42, kT0);
  cache->note_received(43, kT0);
  EXPECT_FALSE(cache->captured_recently(42, kT0 + milliseconds(500)));
  EXPECT_FALSE(cache->received_recently(43, kT0 + milliseconds(500)));
}

TEST(DedupCache, DoesNotConfuseDifferentFingerprints) {
  auto cache = std::make_unique<DedupCache>(milliseconds(500));
  cache->note_captured(42, kT0);
  EXPECT_FALSE(cache->captured_recently(42 + 4096, kT0));  // same slot, other datagram
  EXPECT_FALSE(cache->captured_recently(43, kT0));
}

TEST(DedupCache, ZeroWindowRemembersNothing) {
  auto cache = std::make_unique<DedupCache>(milliseconds(0));
  EXPECT_FALSE(cache->enabled());
  cache->note_captured(42, kT0);
  cache->note_received(42, kT0);
  EXPECT_FALSE(cache->captured_recently(42, kT0));
  EXPECT_FALSE(cache->received_recently(42, kT0));
}

TEST(DedupCache, EvictsTheLeastRecentlyUsedEntryOfAFullProbeRun) {
  auto cache = std::make_unique<DedupCache>(milliseconds(500));
  // Nine fingerprints that all start probing at slot 7: the run holds eight.
  for (std::uint64_t i = 0; i < 9; ++i) {
    cache->note_captured(7 + i * 4096, kT0 + milliseconds(static_cast<long>(i)));
  }
  EXPECT_FALSE(cache->captured_recently(7, kT0 + milliseconds(10)));  // the oldest went
  for (std::uint64_t i = 1; i < 9; ++i) {
    EXPECT_TRUE(cache->captured_recently(7 + i * 4096, kT0 + milliseconds(10))) << i;
  }
}

}  // namespace
}  // namespace snowsignal::testing
