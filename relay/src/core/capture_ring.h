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

struct CaptureRingPlan {
  unsigned snap_length = 0;
  std::size_t frame_size = 0;  // one slot
  std::size_t block_size = 0;  // what the kernel allocates at a time
  std::size_t frames_per_block = 0;
  std::size_t frames = 0;       // slots, rounded up to whole blocks
  std::size_t buffer_size = 0;  // what to pass to pcap_set_buffer_size
  std::size_t memory = 0;       // bytes the kernel maps: blocks * block_size
};

CaptureRingPlan plan_capture_ring(unsigned mtu, std::size_t frames, std::size_t page_size);

// Frames a ring of `mapped_bytes` holds with this plan's layout (what was granted).
std::size_t ring_frames_in(const CaptureRingPlan& plan, std::size_t mapped_bytes);

}  // namespace snowsignal
