#include "udp/payload.h"

#include <gtest/gtest.h>

#include <vector>

#include "udp/pacing.h"

namespace udp {
namespace {

std::vector<std::uint8_t> make(std::uint32_t seq, std::size_t size, std::uint64_t t = 42) {
  std::vector<std::uint8_t> buf(size);
  write_payload(buf, {7, seq, 0, t});
  return buf;
}

TEST(Payload, RoundTripsHeaderAndEveryPatternByteChecks) {
  for (std::size_t size :
       {kHeaderBytes, std::size_t{25}, std::size_t{100}, std::size_t{1337}, kMaxPayload}) {
    auto buf = make(123, size, 99);
    auto c = check_payload(buf);
    EXPECT_EQ(c.kind, PayloadKind::ours);
    EXPECT_TRUE(c.intact()) << size;
    EXPECT_EQ(c.header.seq, 123u);
    EXPECT_EQ(c.header.run_id, 7u);
    EXPECT_EQ(c.header.size, size);
    EXPECT_EQ(c.header.sent_ns, 99u);
  }
}

TEST(Payload, EveryFlippedPatternByteIsCounted) {
  auto buf = make(5, 1337);
  for (std::size_t i : {std::size_t{24}, std::size_t{700}, std::size_t{1336}}) buf[i] ^= 0x01;
  auto c = check_payload(buf);
  EXPECT_FALSE(c.intact());
  EXPECT_EQ(c.bad_bytes, 3u);
}

TEST(Payload, PatternDependsOnTheSequenceNumberSoASplicedHeaderFails) {
  auto a = make(1, 200), b = make(2, 200);
  EXPECT_NE(std::vector<std::uint8_t>(a.begin() + kHeaderBytes, a.end()),
            std::vector<std::uint8_t>(b.begin() + kHeaderBytes, b.end()));
  std::copy(b.begin(), b.begin() + kHeaderBytes, a.begin());  // header of 2, body of 1
  EXPECT_FALSE(check_payload(a).intact());
}

TEST(Payload, TruncationAndExtraBytesShow) {
  auto buf = make(3, 1000);
  auto cut = check_payload(std::span(buf).first(900));
  EXPECT_FALSE(cut.size_matches);
  EXPECT_EQ(cut.bad_bytes, 100u);
  buf.resize(1010, 0);
  auto longer = check_payload(buf);
  EXPECT_FALSE(longer.intact());
  EXPECT_EQ(longer.bad_bytes, 10u);
}

TEST(Payload, ShortOrWrongMagicIsForeign) {
  std::vector<std::uint8_t> shorty(10, 0);
  EXPECT_EQ(check_payload(shorty).kind, PayloadKind::foreign);
  auto buf = make(1, 100);
  buf[0] = 'X';
  EXPECT_EQ(check_payload(buf).kind, PayloadKind::foreign);
}

TEST(Payload, StampingTheSendTimeKeepsThePatternIntact) {
  auto buf = make(8, 300, 1);
  stamp_send_time(buf, 123456789012345ULL);
  auto c = check_payload(buf);
  EXPECT_TRUE(c.intact());
  EXPECT_EQ(c.header.sent_ns, 123456789012345ULL);
}

TEST(Pacing, DatagramsAreEvenlySpacedAndRateZeroIsBackToBack) {
  EXPECT_EQ(due_offset_ns(0, 1000), 0u);
  EXPECT_EQ(due_offset_ns(1, 1000), 1'000'000u);
  EXPECT_EQ(due_offset_ns(1000, 1000), 1'000'000'000u);
  EXPECT_EQ(due_offset_ns(999, 0), 0u);
}

}  // namespace
}  // namespace udp
