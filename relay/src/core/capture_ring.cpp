#include "capture_ring.h"

#include <algorithm>

namespace snowsignal {

namespace {
constexpr std::size_t kAlign = 16;  // TPACKET_ALIGNMENT
constexpr std::size_t align(std::size_t x) {
  return (x + kAlign - 1) & ~(kAlign - 1);
}
// TPACKET_ALIGN(sizeof(tpacket2_hdr)) + sizeof(sockaddr_ll), MAX_LINKHEADER_SIZE, and the
// VLAN_TAG_LEN libpcap reserves in front of every frame.
constexpr std::size_t kMacOffset = align(align(32) + 20 + 256) + 4 - 256;
constexpr unsigned kLinkOverhead = 18;  // Ethernet header + one VLAN tag
}  // namespace

CaptureRingPlan plan_capture_ring(unsigned mtu, std::size_t frames, std::size_t page_size,
                                  std::size_t memory_limit) {
  CaptureRingPlan p;
  p.frames_asked = frames;
  p.snap_length = mtu + kLinkOverhead;
  p.frame_size = align(kMacOffset + p.snap_length);
  p.block_size = page_size;
  while (p.block_size < p.frame_size) p.block_size <<= 1;
  p.frames_per_block = p.block_size / p.frame_size;
  std::size_t blocks = (frames + p.frames_per_block - 1) / p.frames_per_block;
  const std::size_t blocks_allowed = std::max<std::size_t>(1, memory_limit / p.block_size);
  if (blocks > blocks_allowed) {
    blocks = blocks_allowed;
    p.bounded = true;
  }
  p.frames = blocks * p.frames_per_block;
  p.buffer_size = p.frames * p.frame_size;
  p.memory = blocks * p.block_size;
  return p;
}

std::size_t ring_frames_in(const CaptureRingPlan& plan, std::size_t mapped_bytes) {
  if (plan.block_size == 0) return 0;
  return mapped_bytes / plan.block_size * plan.frames_per_block;
}

}  // namespace snowsignal
