#include "netsim/segment_capture.h"

#include <net/if.h>
#include <pcap/pcap.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <tins/tins.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace netsim {

namespace {

// The largest frame the bridge can carry: its MTU, the Ethernet header and a VLAN tag.
// Immediate mode makes libpcap use TPACKET_V2, whose ring slots are all snaplen-sized:
// a 65535 snaplen left ~31 slots in the default 2 MiB buffer, and a burst of a relay's
// re-fragmented datagrams (30 frames within 0.3 ms) overflowed it while every host
// received them. Sized to the MTU, the same buffer holds about a thousand frames.
int snaplen_for(const std::string& device) {
  constexpr int kFallback = 65535;
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return kFallback;
  ifreq request{};
  std::strncpy(request.ifr_name, device.c_str(), IFNAMSIZ - 1);
  const int rc = ::ioctl(fd, SIOCGIFMTU, &request);
  ::close(fd);
  if (rc != 0 || request.ifr_mtu <= 0) return kFallback;
  return std::min(kFallback, request.ifr_mtu + 14 + 4);
}

}  // namespace

SegmentCapture::SegmentCapture(std::string bridge, std::uint16_t udp_port, std::string pcap_path)
    : bridge_(std::move(bridge)), port_(udp_port), pcap_path_(std::move(pcap_path)) {}

SegmentCapture::~SegmentCapture() {
  stop();
}

void SegmentCapture::start() {
  Tins::SnifferConfiguration config;
  config.set_promisc_mode(true);
  config.set_immediate_mode(true);
  config.set_snap_len(snaplen_for(bridge_));
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
  // Frames the kernel could not queue for us were never counted: copies judged on this
  // capture may be too few, so say so.
  pcap_stat stat{};
  if (pcap_stats(sniffer_->get_pcap_handle(), &stat) == 0 && stat.ps_drop > 0)
    spdlog::warn("capture on {} lost {} frame(s): the copy counts of this segment are low",
                 bridge_, stat.ps_drop);
  writer_.reset();
  sniffer_.reset();
}

CopyStats SegmentCapture::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counter_.stats();
}

}  // namespace netsim
