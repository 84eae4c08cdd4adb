// Watches one segment from its bridge in the world netns (libtins Sniffer, promiscuous)
// on a thread of its own: counts copies of datagrams to the PVAccess search port and,
// when asked, writes every frame to a pcap file. Frames are written byte for byte as
// captured (a RawPDU through PacketWriter): re-serialising parsed PDUs would recompute
// the IP and UDP checksums, and a relay's checksums are among the things under test.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "netsim/copy_counter.h"

namespace Tins {
class Sniffer;
class PacketWriter;
}  // namespace Tins

namespace netsim {

class SegmentCapture {
 public:
  SegmentCapture(std::string bridge, std::uint16_t udp_port, std::string pcap_path);
  ~SegmentCapture();
  SegmentCapture(const SegmentCapture&) = delete;
  SegmentCapture& operator=(const SegmentCapture&) = delete;

  // Opens the capture (frames are buffered by the kernel from here on) and starts the
  // thread. Throws when the bridge cannot be opened.
  void start();
  void stop();
  CopyStats stats() const;

 private:
  void loop();
  void on_frame(const std::uint8_t* data, std::uint32_t length, long sec, long usec);
  friend struct SegmentCaptureCallback;

  std::string bridge_;
  std::uint16_t port_;
  std::string pcap_path_;
  std::unique_ptr<Tins::Sniffer> sniffer_;
  std::unique_ptr<Tins::PacketWriter> writer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  CopyCounter counter_;
};

}  // namespace netsim
