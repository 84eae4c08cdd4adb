#include "udp/receive_tally.h"

#include <gtest/gtest.h>

#include <vector>

namespace udp {
namespace {

PayloadCheck ours(std::uint32_t seq, std::size_t bad = 0) {
  PayloadCheck c;
  c.kind = PayloadKind::ours;
  c.header.seq = seq;
  c.header.size = 100;
  c.size_matches = true;
  c.bad_bytes = bad;
  return c;
}

TEST(ReceiveTally, CountsDistinctDuplicatesLostCorruptAndSources) {
  ReceiveTally t(10);
  for (std::uint32_t s : {0u, 1u, 2u, 2u, 5u, 9u}) t.add(ours(s), 100, "198.18.1.10:4000", 1000);
  t.add(ours(3, 4), 100, "198.18.1.11:4000", 1000);
  t.add(PayloadCheck{}, 7, "198.18.1.12:1", 0);    // foreign
  t.add(ours(10), 100, "198.18.1.10:4000", 1000);  // out of range
  auto r = t.report();
  EXPECT_EQ(r["count"], 9);
  EXPECT_EQ(r["distinct"], 6);
  EXPECT_EQ(r["duplicates"], 1);
  EXPECT_EQ(r["lost"], 4);
  EXPECT_EQ(r["lost_ranges"], "4,6-8");
  EXPECT_EQ(r["corrupt"], 1);
  EXPECT_EQ(r["bytes_bad"], 4);
  EXPECT_EQ(r["intact"], 7);
  EXPECT_EQ(r["bytes_ok"], 700);
  EXPECT_EQ(r["foreign"], 1);
  EXPECT_EQ(r["out_of_range"], 1);
  EXPECT_EQ(r["size_min"], 7);
  EXPECT_EQ(r["size_max"], 100);
  EXPECT_EQ(r["sources"]["198.18.1.10:4000"], 7);
  EXPECT_EQ(r["sources"]["198.18.1.11:4000"], 1);
  EXPECT_FALSE(t.complete());
}

TEST(ReceiveTally, CompleteWhenEverySequenceNumberArrived) {
  ReceiveTally t(3);
  for (std::uint32_t s : {2u, 0u, 1u}) t.add(ours(s), 100, "x", 1);
  EXPECT_TRUE(t.complete());
  EXPECT_EQ(t.report()["lost_ranges"], "");
}

TEST(ReceiveTally, LatencyUsesFirstCopiesOnlyAndSkipsNegativeClocks) {
  ReceiveTally t(4);
  t.add(ours(0), 100, "x", 10'000);
  t.add(ours(0), 100, "x", 900'000);  // a duplicate's latency is not a delivery's
  t.add(ours(1), 100, "x", -5);
  t.add(ours(2), 100, "x", 30'000);
  auto lat = t.report()["latency_us"];
  EXPECT_EQ(lat["samples"], 2);
  EXPECT_DOUBLE_EQ(lat["max"].get<double>(), 30.0);
}

TEST(LatencySummary, NearestRankPercentiles) {
  std::vector<std::int64_t> v;
  for (int i = 100; i >= 1; --i) v.push_back(i * 1000);  // 1..100 µs, unsorted
  auto s = summarise_latency(v);
  EXPECT_EQ(s.samples, 100u);
  EXPECT_DOUBLE_EQ(s.p50_us, 50.0);
  EXPECT_DOUBLE_EQ(s.p99_us, 99.0);
  EXPECT_DOUBLE_EQ(s.max_us, 100.0);
  std::vector<std::int64_t> empty;
  EXPECT_EQ(summarise_latency(empty).samples, 0u);
}

TEST(MissingRanges, SummarisesAndTruncates) {
  std::vector<std::uint8_t> c{0, 0, 1, 0, 1, 1, 0, 0, 0};
  EXPECT_EQ(missing_ranges(c), "0-1,3,6-8");
  EXPECT_EQ(missing_ranges(c, 1), "0-1 (+2 more ranges)");
}

}  // namespace
}  // namespace udp
