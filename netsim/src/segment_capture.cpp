#include "netsim/segment_capture.h"

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

void SegmentCapture::loop() {
  try {
    sniffer_->sniff_loop([this](Tins::PDU& pdu) {
      if (stop_) return false;
      if (writer_) writer_->write(pdu);
      const auto* ip = pdu.find_pdu<Tins::IP>();
      const auto* udp = pdu.find_pdu<Tins::UDP>();
      if (ip && udp && udp->dport() == port_) {
        std::vector<std::uint8_t> payload;
        if (const auto* raw = udp->find_pdu<Tins::RawPDU>()) payload = raw->payload();
        // libtins keeps addresses in network order; CopyCounter wants host order.
        std::uint32_t src = Tins::Endian::be_to_host(static_cast<std::uint32_t>(ip->src_addr()));
        std::lock_guard<std::mutex> lock(mutex_);
        counter_.add(src, udp->sport(), payload);
      }
      return !stop_;
    });
  } catch (const std::exception& e) {
    spdlog::warn("capture on {} stopped: {}", bridge_, e.what());
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
