// FrameSource on a libtins Sniffer: libtins opens and configures the capture (BPF
// filter, immediate mode, snap length); the hot path then reads raw bytes straight from
// its pcap handle with pcap_dispatch, so no PDU objects are built per packet.
#pragma once

#include <memory>
#include <string>

#include "snowsignal/frame_source.h"

namespace Tins {
class Sniffer;
}

namespace snowsignal {

class PcapFrameSource final : public FrameSource {
 public:
  // Throws std::runtime_error with a readable message when the capture cannot open.
  PcapFrameSource(const std::string& interface, const std::string& filter);
  ~PcapFrameSource() override;

  int selectable_fd() const override { return fd_; }
  std::size_t dispatch(FrameHandler& handler, std::size_t max_frames) override;
  std::uint64_t kernel_drops() override;

 private:
  std::unique_ptr<Tins::Sniffer> sniffer_;
  int fd_ = -1;
};

}  // namespace snowsignal
