// The BPF filter string: what it says, and that libpcap compiles it.
#include "capture_filter.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include "frames.h"

namespace snowsignal::testing {
namespace {

bool compiles(const std::string& filter) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  bpf_program program{};
  const bool ok = pcap_compile(dead, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
  if (ok) pcap_freecode(&program);
  pcap_close(dead);
  return ok;
}

TEST(CaptureFilter, SelectsBroadcastIpv4UdpToThePortAndExcludesEveryOwnMac) {
  const std::string filter =
      capture_filter(5076, {mac("02:00:00:00:02:02"), mac("02:00:00:00:03:03")});
  EXPECT_EQ(filter,
            "ether broadcast and ip and udp dst port 5076 and not (ether src 02:00:00:00:02:02 "
            "or ether src 02:00:00:00:03:03)");
  EXPECT_TRUE(compiles(filter));
}

TEST(CaptureFilter, CompilesWithoutOwnMacs) {
  const std::string filter = capture_filter(5076, {});
  EXPECT_EQ(filter, "ether broadcast and ip and udp dst port 5076");
  EXPECT_TRUE(compiles(filter));
}

}  // namespace
}  // namespace snowsignal::testing
