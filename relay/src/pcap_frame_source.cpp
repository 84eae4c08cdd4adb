#include "pcap_frame_source.h"

#include <pcap/pcap.h>
#include <tins/sniffer.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace snowsignal {

namespace {

constexpr unsigned kSnapLength = 65535;              // whole frames, never SnowSignal's 1024
constexpr unsigned kKernelBuffer = 4 * 1024 * 1024;  // absorbs bursts between poll wakes

void deliver(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* handler = reinterpret_cast<FrameHandler*>(user);
  handler->on_captured({bytes, header->caplen}, header->caplen < header->len);
}

}  // namespace

PcapFrameSource::PcapFrameSource(const std::string& interface, const std::string& filter) {
  Tins::SnifferConfiguration config;
  config.set_snap_len(kSnapLength);
  config.set_immediate_mode(true);  // hand each frame over now, not when a buffer fills
  config.set_promisc_mode(false);   // broadcasts reach us without promiscuous mode
  config.set_buffer_size(kKernelBuffer);
  config.set_filter(filter);
  try {
    sniffer_ = std::make_unique<Tins::Sniffer>(interface, config);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot capture on " + interface + ": " + e.what() +
                             " (needs CAP_NET_RAW)");
  }
  pcap_t* handle = sniffer_->get_pcap_handle();
  char error[PCAP_ERRBUF_SIZE] = {};
  if (pcap_setnonblock(handle, 1, error) != 0) {
    throw std::runtime_error(std::string("pcap_setnonblock: ") + error);
  }
  fd_ = pcap_get_selectable_fd(handle);
  if (fd_ < 0) throw std::runtime_error("capture on " + interface + " has no selectable fd");
}

PcapFrameSource::~PcapFrameSource() = default;

std::size_t PcapFrameSource::dispatch(FrameHandler& handler, std::size_t max_frames) {
  const int limit = static_cast<int>(std::min<std::size_t>(max_frames, INT_MAX));
  const int count = pcap_dispatch(sniffer_->get_pcap_handle(), limit, deliver,
                                  reinterpret_cast<u_char*>(&handler));
  if (count < 0) {
    throw std::runtime_error(std::string("capture failed: ") +
                             pcap_geterr(sniffer_->get_pcap_handle()));
  }
  return static_cast<std::size_t>(count);
}

std::uint64_t PcapFrameSource::kernel_drops() {
  pcap_stat stats{};
  if (pcap_stats(sniffer_->get_pcap_handle(), &stats) != 0) return 0;
  return stats.ps_drop;
}

}  // namespace snowsignal
