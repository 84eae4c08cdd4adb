// Bounded reassembly: completes datagrams in any order, and gives up, with a reason,
// on everything that cannot complete, without ever exceeding its fixed limits.
#include "reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "frames.h"

namespace snowsignal::testing {
namespace {

using std::chrono::milliseconds;

const TimePoint kStart{std::chrono::seconds(100)};

Bytes datagram(std::size_t payload_size, Byte id = 1) {
  FrameSpec spec;
  spec.payload.resize(payload_size);
  for (std::size_t i = 0; i < payload_size; ++i) spec.payload[i] = static_cast<Byte>(i ^ (i >> 8));
  Bytes frame = build_frame(spec);
  frame[14 + 5] = id;
  return frame;
}

IpFrameView view(const Bytes& frame) {
  const ParsedIp parsed = parse_ip_frame(frame);
  EXPECT_FALSE(parsed.drop);
  return parsed.view;
}

// The whole datagram as our reassembler hands it back: header checksum recomputed.
Bytes with_fresh_checksum(Bytes frame) {
  frame[24] = frame[25] = 0;
  std::uint32_t sum = 0;
  for (std::size_t i = 14; i < 34; i += 2) sum += (std::uint32_t{frame[i]} << 8) | frame[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  frame[24] = static_cast<Byte>(~sum >> 8);
  frame[25] = static_cast<Byte>(~sum);
  return frame;
}

TEST(Reassembler, CompletesInAnyOrderToTheOriginalDatagram) {
  const Bytes whole = datagram(10000);
  std::vector<Bytes> fragments = split_into_fragments(whole, 1500);
  std::reverse(fragments.begin(), fragments.end());
  Reassembler reassembler;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    const ReassemblyOutcome outcome = reassembler.add(view(fragments[i]), kStart);
    EXPECT_FALSE(outcome.drop);
    if (i + 1 < fragments.size()) {
      EXPECT_TRUE(outcome.complete.empty());
      EXPECT_EQ(reassembler.in_flight(), 1u);
    } else {
      EXPECT_EQ(Bytes(outcome.complete.begin(), outcome.complete.end()),
                with_fresh_checksum(whole));
    }
  }
  EXPECT_EQ(reassembler.in_flight(), 0u);
}

TEST(Reassembler, KeepsDatagramsFromDifferentSendersOrIdsApart) {
  const std::vector<Bytes> a = split_into_fragments(datagram(3000, 1), 1500);
  const std::vector<Bytes> b = split_into_fragments(datagram(3000, 2), 1500);
  Reassembler reassembler;
  reassembler.add(view(a[0]), kStart);
  reassembler.add(view(b[1]), kStart);
  reassembler.add(view(a[1]), kStart);
  EXPECT_EQ(reassembler.in_flight(), 2u);
  EXPECT_TRUE(reassembler.add(view(a[2]), kStart).complete.size() > 0);
  EXPECT_EQ(reassembler.in_flight(), 1u);
}

TEST(Reassembler, GivesUpAfterTheTimeoutAndCountsIt) {
  const std::vector<Bytes> fragments = split_into_fragments(datagram(3000), 1500);
  Reassembler reassembler(ReassemblyLimits{4, milliseconds(500)});
  reassembler.add(view(fragments[0]), kStart);
  EXPECT_EQ(reassembler.expire(kStart + milliseconds(499)), 0u);
  EXPECT_EQ(reassembler.expire(kStart + milliseconds(500)), 1u);
  EXPECT_EQ(reassembler.in_flight(), 0u);
  // The rest arriving late starts over and never completes with the lost part.
  const ReassemblyOutcome late = reassembler.add(view(fragments[1]), kStart + milliseconds(600));
  EXPECT_TRUE(late.complete.empty());
}

TEST(Reassembler, ExpiresStaleDatagramsWhenTheNextFragmentArrives) {
  const std::vector<Bytes> a = split_into_fragments(datagram(3000, 1), 1500);
  const std::vector<Bytes> b = split_into_fragments(datagram(3000, 2), 1500);
  Reassembler reassembler(ReassemblyLimits{4, milliseconds(500)});
  reassembler.add(view(a[0]), kStart);
  EXPECT_EQ(reassembler.add(view(b[0]), kStart + milliseconds(700)).expired, 1u);
}

TEST(Reassembler, NeverHoldsMoreThanItsSlotsAndEvictsTheOldest) {
  Reassembler reassembler(ReassemblyLimits{3, std::chrono::seconds(2)});
  std::size_t evicted = 0;
  for (Byte id = 1; id <= 10; ++id) {
    const Bytes first = split_into_fragments(datagram(3000, id), 1500).front();
    evicted += reassembler.add(view(first), kStart + milliseconds(id)).evicted;
    EXPECT_LE(reassembler.in_flight(), 3u);
  }
  EXPECT_EQ(evicted, 7u);
  // Datagram 10 is still there (newest); datagram 1 was pushed out.
  const std::vector<Bytes> ten = split_into_fragments(datagram(3000, 10), 1500);
  reassembler.add(view(ten[1]), kStart + milliseconds(20));
  EXPECT_FALSE(reassembler.add(view(ten[2]), kStart + milliseconds(20)).complete.empty());
}

TEST(Reassembler, MemoryIsFixedAtConstructionAndProportionalToSlots) {
  const Reassembler small(ReassemblyLimits{1, std::chrono::seconds(1)});
  const Reassembler large(ReassemblyLimits{16, std::chrono::seconds(1)});
  EXPECT_GE(small.memory_bytes(), 2u * 65535);
  EXPECT_LE(large.memory_bytes(), 16u * (65535 + 10000) + 65535 + 100);
}

TEST(Reassembler, OverlappingOrRepeatedFragmentsAreFragmentOverlap) {
  const std::vector<Bytes> fragments = split_into_fragments(datagram(5000), 1500);
  Reassembler reassembler;
  reassembler.add(view(fragments[1]), kStart);
  EXPECT_EQ(reassembler.add(view(fragments[1]), kStart).drop, DropReason::kFragmentOverlap);
  EXPECT_EQ(reassembler.in_flight(), 0u);  // the whole datagram is given up

  // A fragment shifted by 8 bytes into its neighbour.
  Bytes shifted = fragments[2];
  const std::uint16_t offset =
      static_cast<std::uint16_t>((fragments[2][20] << 8 | fragments[2][21]) - 1);
  shifted[20] = static_cast<Byte>(offset >> 8);
  shifted[21] = static_cast<Byte>(offset);
  reassembler.add(view(fragments[1]), kStart);
  EXPECT_EQ(reassembler.add(view(shifted), kStart).drop, DropReason::kFragmentOverlap);
}

TEST(Reassembler, DataBeyondTheLastFragmentIsFragmentOverlap) {
  const std::vector<Bytes> fragments = split_into_fragments(datagram(5000), 1500);
  Reassembler reassembler;
  reassembler.add(view(fragments.back()), kStart);
  Bytes second_last = fragments.back();
  second_last[20] = 0x20;  // MF, same offset + 8 blocks: beyond the end
  const std::uint16_t offset =
      static_cast<std::uint16_t>(((fragments.back()[20] & 0x1f) << 8 | fragments.back()[21]) + 8);
  second_last[20] = static_cast<Byte>(0x20 | (offset >> 8));
  second_last[21] = static_cast<Byte>(offset);
  second_last.resize(14 + 20 + 64);
  second_last[16] = 0;
  second_last[17] = 84;
  EXPECT_EQ(reassembler.add(view(second_last), kStart).drop, DropReason::kFragmentOverlap);
}

TEST(Reassembler, FragmentsPast65535BytesAreFragmentTooLarge) {
  Bytes last = split_into_fragments(datagram(3000), 1500).back();
  last[20] = 0x1f;  // offset 8189 * 8 = 65512
  last[21] = 0xfd;
  Reassembler reassembler;
  EXPECT_EQ(reassembler.add(view(last), kStart).drop, DropReason::kFragmentTooLarge);
  EXPECT_EQ(reassembler.in_flight(), 0u);
}

TEST(Reassembler, NonFinalFragmentNotAMultipleOf8IsMalformed) {
  Bytes first = split_into_fragments(datagram(3000), 1500).front();
  first.pop_back();
  first[17] = static_cast<Byte>(first[17] - 1);
  Reassembler reassembler;
  EXPECT_EQ(reassembler.add(view(first), kStart).drop, DropReason::kMalformed);
}

}  // namespace
}  // namespace snowsignal::testing
