// FrameSource on a libtins Sniffer: libtins opens and configures the capture (BPF
// filter, immediate mode, snap length, ring size); the hot path then reads raw bytes
// straight from its pcap handle with pcap_dispatch, so no PDU objects are built per
// packet. The ring is sized in frames (capture_ring.h), and what the kernel granted is
// read back from our own memory map.
#pragma once

#include <memory>
#include <string>

#include "capture_ring.h"
#include "snowsignal/frame_source.h"

namespace Tins {
class Sniffer;
}

namespace snowsignal {

class PcapFrameSource final : public FrameSource {
 public:
  // Throws std::runtime_error with a readable message when the capture cannot open.
  PcapFrameSource(const std::string& interface, const std::string& filter, unsigned mtu,
                  unsigned ring_frames, std::size_t ring_memory);
  ~PcapFrameSource() override;

  int selectable_fd() const override { return fd_; }
  std::size_t dispatch(FrameHandler& handler, std::size_t max_frames) override;
  std::uint64_t kernel_drops() override;

  const CaptureRingPlan& ring_plan() const { return plan_; }
  // Bytes of ring the kernel mapped for us (0 if it could not be read), and the frames
  // that holds. libpcap quietly retries with a smaller ring when memory is short.
  std::size_t ring_bytes_granted() const { return granted_bytes_; }
  std::size_t ring_frames_granted() const { return ring_frames_in(plan_, granted_bytes_); }

 private:
  CaptureRingPlan plan_;
  std::size_t granted_bytes_ = 0;
  std::unique_ptr<Tins::Sniffer> sniffer_;
  int fd_ = -1;
};

}  // namespace snowsignal
