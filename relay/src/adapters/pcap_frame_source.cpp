#include "pcap_frame_source.h"

#include <pcap/pcap.h>
#include <sys/stat.h>
#include <tins/sniffer.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace snowsignal {

namespace {

// The packet socket's ring is memory-mapped into this process; its mapping names the
// socket's inode, so the size the kernel granted can be read back.
std::size_t mapped_bytes_of(int fd) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) return 0;
  std::ifstream maps("/proc/self/maps");
  std::size_t total = 0;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device;
    unsigned long long inode = 0;
    fields >> range >> perms >> offset >> device >> inode;
    if (inode != st.st_ino) continue;
    const auto dash = range.find('-');
    if (dash == std::string::npos) continue;
    total += std::stoull(range.substr(dash + 1), nullptr, 16) -
             std::stoull(range.substr(0, dash), nullptr, 16);
  }
  return total;
}

void deliver(u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
  auto* handler = reinterpret_cast<FrameHandler*>(user);
  handler->on_captured({bytes, header->caplen}, header->caplen < header->len);
}

}  // namespace

PcapFrameSource::PcapFrameSource(const std::string& interface, const std::string& filter,
                                 unsigned mtu, unsigned ring_frames, std::size_t ring_memory)
    : plan_(plan_capture_ring(mtu, ring_frames, static_cast<std::size_t>(::getpagesize()),
                              ring_memory)) {
  Tins::SnifferConfiguration config;
  // Whole frames up to the MTU (never SnowSignal's 1024); a longer one arrives truncated
  // and is dropped as oversize, as the mesh side would drop it.
  config.set_snap_len(plan_.snap_length);
  config.set_immediate_mode(true);  // hand each frame over now, not when a buffer fills
  config.set_promisc_mode(false);   // broadcasts reach us without promiscuous mode
  config.set_buffer_size(static_cast<unsigned>(plan_.buffer_size));
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
  granted_bytes_ = mapped_bytes_of(fd_);
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
