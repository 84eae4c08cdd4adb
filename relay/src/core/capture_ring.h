// How big the capture ring must be to hold N frames, in libpcap's own arithmetic.
//
// Why this exists (issue 7): in immediate mode libpcap uses a TPACKET_V2 ring of
// fixed-size slots, one per frame, each sized from the snap length. With a 65535-byte
// snap length and offloads on (veth, most NICs), every slot takes a 128 KiB block, so
// a 4 MiB buffer held 64 frames and a burst of a few hundred searches overflowed it.
// We set the snap length to the interface MTU + 18 (Ethernet header, a VLAN tag, as
// libpcap's own clamp does) and ask for `frames` slots.
//
// libpcap 1.10 pcap-linux.c create_ring(), TPACKET_V2:
//   macoff     = TPACKET_ALIGN(TPACKET_ALIGN(32) + 20 + 256) + 4 - 256 = 68
//   frame_size = TPACKET_ALIGN(macoff + snap length)
//   frame_nr   = ceil(buffer_size / frame_size)
//   block_size = page size, doubled until >= frame_size
//   block_nr   = frame_nr / (block_size / frame_size)       (rounded down)
#pragma once

#include <cstddef>
#include <cstdint>

namespace snowsignal {

// The kernel memory a ring may take unless --capture-ring-memory says otherwise. Holds
// the default 8192 frames up to an MTU of 1500 (16 MiB), 2048 at 9000 (one 16 KiB block
// per frame), 256 on loopback's 65536 (one 128 KiB block each).
inline constexpr std::size_t kDefaultCaptureRingMemory = std::size_t{32} << 20;

struct CaptureRingPlan {
  std::size_t frames_asked = 0;  // what the configuration asked for
  bool bounded = false;          // frames were cut to fit memory_limit
  unsigned snap_length = 0;
  std::size_t frame_size = 0;  // one slot
  std::size_t block_size = 0;  // what the kernel allocates at a time
  std::size_t frames_per_block = 0;
  std::size_t frames = 0;       // slots, rounded up to whole blocks
  std::size_t buffer_size = 0;  // what to pass to pcap_set_buffer_size
  std::size_t memory = 0;       // bytes the kernel maps: blocks * block_size
};

// `frames` slots for an MTU, but never more kernel memory than `memory_limit` (at least
// one block, so a ring always exists): a slot follows the MTU, and 8192 slots on an MTU
// 65536 interface would take 1 GiB.
CaptureRingPlan plan_capture_ring(unsigned mtu, std::size_t frames, std::size_t page_size,
                                  std::size_t memory_limit = kDefaultCaptureRingMemory);

// Frames a ring of `mapped_bytes` holds with this plan's layout (what was granted).
std::size_t ring_frames_in(const CaptureRingPlan& plan, std::size_t mapped_bytes);

}  // namespace snowsignal
