// Test helper: a capture filter compiled by libpcap and run over a frame exactly as the
// kernel would run it, so filter tests check behaviour, not the filter's text.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <vector>

namespace snowsignal::testing {

// Compiles `filter` and runs it over `frame` as the kernel would.
class Filter {
 public:
  explicit Filter(const std::string& text) : dead_(pcap_open_dead(DLT_EN10MB, 65535)) {
    compiled_ = pcap_compile(dead_, &program_, text.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
  }
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  ~Filter() {
    if (compiled_) pcap_freecode(&program_);
    pcap_close(dead_);
  }
  bool compiled() const { return compiled_; }
  bool matches(const std::vector<std::uint8_t>& frame) const {
    pcap_pkthdr header{};
    header.caplen = static_cast<bpf_u_int32>(frame.size());
    header.len = header.caplen;
    return pcap_offline_filter(&program_, &header, frame.data()) != 0;
  }

 private:
  pcap_t* dead_;
  bpf_program program_{};
  bool compiled_ = false;
};

}  // namespace snowsignal::testing
