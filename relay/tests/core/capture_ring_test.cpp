#include "capture_ring.h"

#include <gtest/gtest.h>

namespace snowsignal {
namespace {

TEST(CaptureRing, AnMtuSizedSlotFitsTwoFramesPerPage) {
  const CaptureRingPlan p = plan_capture_ring(1500, 8192, 4096);
  EXPECT_EQ(p.snap_length, 1518u);
  EXPECT_EQ(p.frame_size, 1600u);  // TPACKET_ALIGN(68 + 1518)
  EXPECT_EQ(p.block_size, 4096u);
  EXPECT_EQ(p.frames_per_block, 2u);
  EXPECT_EQ(p.frames, 8192u);
  EXPECT_EQ(p.buffer_size, 8192u * 1600);
  EXPECT_EQ(p.memory, 4096u * 4096);  // 16 MiB for 8192 full-size frames
}

TEST(CaptureRing, FramesAreRoundedUpToWholeBlocks) {
  const CaptureRingPlan p = plan_capture_ring(1500, 17, 4096);
  EXPECT_EQ(p.frames, 18u);
  EXPECT_EQ(p.memory, 9u * 4096);
  // libpcap: ceil(buffer / frame_size) slots, then whole blocks: exactly ours.
  EXPECT_EQ(
      (p.buffer_size + p.frame_size - 1) / p.frame_size / p.frames_per_block * p.frames_per_block,
      p.frames);
}

TEST(CaptureRing, TheOldSnapLengthGaveOneFramePer128KiB) {
  // What libpcap did with snap length 65535 and offloads on: the cause of issue 7.
  const CaptureRingPlan p = plan_capture_ring(65535 - 18, 64, 4096);
  EXPECT_EQ(p.block_size, 131072u);
  EXPECT_EQ(p.frames_per_block, 1u);
  EXPECT_EQ(4u * 1024 * 1024 / p.frame_size, 63u) << "a 4 MiB buffer held ~64 frames";
}

TEST(CaptureRing, JumboMtuGetsBiggerBlocks) {
  const CaptureRingPlan p = plan_capture_ring(9000, 100, 4096);
  EXPECT_EQ(p.frame_size, 9088u);
  EXPECT_EQ(p.block_size, 16384u);
  EXPECT_EQ(p.frames_per_block, 1u);
}

TEST(CaptureRing, GrantedFramesComeFromTheMappedBytes) {
  const CaptureRingPlan p = plan_capture_ring(1500, 8192, 4096);
  EXPECT_EQ(ring_frames_in(p, p.memory), 8192u);
  EXPECT_EQ(ring_frames_in(p, p.memory / 2), 4096u);
  EXPECT_EQ(ring_frames_in(p, 0), 0u);
}

TEST(CaptureRing, TheDefaultBoundLeavesTheDefaultRingAtMtu1500Untouched) {
  const CaptureRingPlan p = plan_capture_ring(1500, 8192, 4096);
  EXPECT_FALSE(p.bounded);
  EXPECT_EQ(p.frames, 8192u);
  EXPECT_EQ(p.frames_asked, 8192u);
  EXPECT_LE(p.memory, kDefaultCaptureRingMemory);
}

TEST(CaptureRing, AnyMtuStaysWithinTheMemoryBound) {
  // Loopback (65536): 8192 slots of a 128 KiB block each would be 1 GiB.
  const CaptureRingPlan lo = plan_capture_ring(65536, 8192, 4096);
  EXPECT_TRUE(lo.bounded);
  EXPECT_EQ(lo.block_size, 128u * 1024);
  EXPECT_EQ(lo.frames, 256u);
  EXPECT_EQ(lo.memory, kDefaultCaptureRingMemory);
  // Jumbo frames (9000): one 16 KiB block per frame, 2048 of them.
  const CaptureRingPlan jumbo = plan_capture_ring(9000, 8192, 4096);
  EXPECT_TRUE(jumbo.bounded);
  EXPECT_EQ(jumbo.frames, 2048u);
  EXPECT_LE(jumbo.memory, kDefaultCaptureRingMemory);
  // A larger bound is honoured, up to what was asked.
  const CaptureRingPlan wide = plan_capture_ring(65536, 8192, 4096, std::size_t{2} << 30);
  EXPECT_FALSE(wide.bounded);
  EXPECT_EQ(wide.frames, 8192u);
}

TEST(CaptureRing, ABoundBelowOneBlockStillGivesOneBlock) {
  const CaptureRingPlan p = plan_capture_ring(65536, 8192, 4096, 1000);
  EXPECT_TRUE(p.bounded);
  EXPECT_EQ(p.frames, 1u);
  EXPECT_EQ(p.memory, 128u * 1024);
}

}  // namespace
}  // namespace snowsignal
