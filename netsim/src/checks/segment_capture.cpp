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
  auto datagram = udp_datagram_in(data, length);
  if (!datagram || datagram->destination_port != port_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  counter_.add(datagram->source, datagram->source_port, datagram->payload,
               static_cast<double>(sec) + static_cast<double>(usec) / 1e6);
}

std::optional<CapturedDatagram> udp_datagram_in(const std::uint8_t* data, std::uint32_t length) {
  try {
    Tins::EthernetII frame(data, length);
    CapturedDatagram out;
    if (const auto* ip = frame.find_pdu<Tins::IP>()) {
      out.source = ip->src_addr().to_string();
    } else if (const auto* ip6 = frame.find_pdu<Tins::IPv6>()) {
      // libtins leaves whatever follows a Fragment header raw (as it does for IPv4
      // fragments), so fragments find no UDP below and are not counted.
      out.source = ip6->src_addr().to_string();
    } else {
      return std::nullopt;
    }
    const auto* udp = frame.find_pdu<Tins::UDP>();
    if (!udp) return std::nullopt;
    out.source_port = udp->sport();
    out.destination_port = udp->dport();
    if (const auto* raw = udp->find_pdu<Tins::RawPDU>()) out.payload = raw->payload();
    return out;
  } catch (const Tins::malformed_packet&) {
    // Not an Ethernet/IP/UDP frame we can read: nothing to count (still in the pcap).
    return std::nullopt;
  }
}

void SegmentCapture::request_stop() {
  if (!thread_.joinable() || stop_) return;
  stop_ = true;
  // pcap_breakloop wakes a blocked capture (libpcap >= 1.10); the 100 ms read timeout
  // bounds the wait otherwise.
  sniffer_->stop_sniff();
}

void SegmentCapture::stop() {
  if (!thread_.joinable()) return;
  request_stop();
  thread_.join();
  writer_.reset();
  sniffer_.reset();
}

CopyStats SegmentCapture::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counter_.stats();
}

}  // namespace netsim
