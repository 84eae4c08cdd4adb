#include "netsim/segment_capture.h"

#include <pcap/pcap.h>
#include <spdlog/spdlog.h>
#include <tins/tins.h>

namespace netsim {

SegmentCapture::SegmentCapture(std::string bridge, std::uint16_t udp_port, std::string pcap_path)
    : bridge_(std::move(bridge)), port_(udp_port), pcap_path_(std::move(pcap_path)) {}

SegmentCapture::~SegmentCapture() {
  stop();
}

void SegmentCapture::start() {
  Tins::SnifferConfiguration config;
  config.set_promisc_mode(true);
  config.set_immediate_mode(true);
  config.set_snap_len(65535);
  config.set_timeout(100);
  // Without a pcap file only the search port matters, so filter in the kernel.
  if (pcap_path_.empty()) config.set_filter("udp dst port " + std::to_string(port_));
  sniffer_ = std::make_unique<Tins::Sniffer>(bridge_, config);
  if (!pcap_path_.empty())
    writer_ =
        std::make_unique<Tins::PacketWriter>(pcap_path_, Tins::DataLinkType<Tins::EthernetII>());
  thread_ = std::thread([this] { loop(); });
}

struct SegmentCaptureCallback {
  static void on_packet(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
    reinterpret_cast<SegmentCapture*>(user)->on_frame(bytes, header->caplen, header->ts.tv_sec,
                                                      header->ts.tv_usec);
  }
};

void SegmentCapture::loop() {
  // pcap_dispatch on the sniffer's own handle hands us the raw bytes; it returns at
  // least every read timeout (100 ms), and at once after pcap_breakloop in stop().
  pcap_t* handle = sniffer_->get_pcap_handle();
  while (!stop_) {
    int n = pcap_dispatch(handle, -1, &SegmentCaptureCallback::on_packet,
                          reinterpret_cast<u_char*>(this));
    if (n == PCAP_ERROR) {
      spdlog::warn("capture on {} stopped: {}", bridge_, pcap_geterr(handle));
      return;
    }
  }
}

void SegmentCapture::on_frame(const std::uint8_t* data, std::uint32_t length, long sec, long usec) {
  if (writer_) {
    Tins::RawPDU raw(data, length);
    timeval tv{};
    tv.tv_sec = sec;
    tv.tv_usec = usec;
    Tins::Packet packet(raw, Tins::Timestamp(tv));
    writer_->write(packet);
  }
  try {
    Tins::EthernetII frame(data, length);
    const auto* ip = frame.find_pdu<Tins::IP>();
    const auto* udp = frame.find_pdu<Tins::UDP>();
    if (!ip || !udp || udp->dport() != port_) return;
    std::vector<std::uint8_t> payload;
    if (const auto* raw = udp->find_pdu<Tins::RawPDU>()) payload = raw->payload();
    // libtins keeps addresses in network order; CopyCounter wants host order.
    std::uint32_t src = Tins::Endian::be_to_host(static_cast<std::uint32_t>(ip->src_addr()));
    std::lock_guard<std::mutex> lock(mutex_);
    counter_.add(src, udp->sport(), payload,
                 static_cast<double>(sec) + static_cast<double>(usec) / 1e6);
  } catch (const Tins::malformed_packet&) {
    // Not an Ethernet/IPv4/UDP frame we can read: nothing to count (still in the pcap).
  }
}

void SegmentCapture::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  // pcap_breakloop wakes a blocked capture (libpcap >= 1.10); the 100 ms read timeout
  // bounds the wait otherwise.
  sniffer_->stop_sniff();
  thread_.join();
  writer_.reset();
  sniffer_.reset();
}

CopyStats SegmentCapture::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counter_.stats();
}

}  // namespace netsim
