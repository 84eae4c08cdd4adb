// Watches one segment from its bridge in the world netns (libtins Sniffer, promiscuous)
// on a thread of its own: counts copies of datagrams (IPv4 or IPv6) to the PVAccess
// search port and,
// when asked, writes every frame to a pcap file. Frames are written byte for byte as
// captured (a RawPDU through PacketWriter): re-serialising parsed PDUs would recompute
// the IP and UDP checksums, and a relay's checksums are among the things under test.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "netsim/copy_counter.h"

namespace Tins {
class Sniffer;
class PacketWriter;
}  // namespace Tins

namespace netsim {

// One unfragmented UDP datagram read from an Ethernet frame, IPv4 or IPv6.
struct CapturedDatagram {
  std::string source;  // IPv4 dotted or IPv6 canonical text
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::vector<std::uint8_t> payload;
};

// The UDP datagram in an Ethernet frame (IPv4 or IPv6), or nullopt: not UDP, malformed,
// or a fragment (IPv4 fragments and IPv6 frames with a Fragment header are not
// reassembled, so they are never counted).
std::optional<CapturedDatagram> udp_datagram_in(const std::uint8_t* data, std::uint32_t length);

class SegmentCapture {
 public:
  SegmentCapture(std::string bridge, std::uint16_t udp_port, std::string pcap_path);
  ~SegmentCapture();
  SegmentCapture(const SegmentCapture&) = delete;
  SegmentCapture& operator=(const SegmentCapture&) = delete;

  // Opens the capture (frames are buffered by the kernel from here on) and starts the
  // thread. Throws when the bridge cannot be opened.
  void start();
  // Asks the thread to stop without waiting for it: a run with many segments asks them
  // all first, so their read timeouts (up to 100 ms each) pass together, not one by one.
  void request_stop();
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
