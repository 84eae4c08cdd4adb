// The capture ring's kernel memory is bounded at any MTU (issue 20): on loopback (MTU
// 65536) the default 8192 slots would take 1 GiB. What the kernel really mapped comes
// from the relay's own log line, which reads /proc/self/maps.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

// The KiB the relay's capture ring maps, from "capture ring: ... asked; N KiB". (Read
// by hand: std::regex draws GCC 12's -Wmaybe-uninitialized under the sanitizers.)
long mapped_kib(const std::string& log) {
  const auto line = log.find("capture ring: ");
  if (line == std::string::npos) return -1;
  const auto asked = log.find("asked; ", line);
  if (asked == std::string::npos) return -1;
  return std::stol(log.substr(asked + 7));
}

std::string relay_on_loopback(const std::string& name, const std::string& address,
                              const std::string& extra) {
  return "  - name: " + name + "\n    segments: [{segment: a, address: " + address +
         "}]\n    processes:\n      - command: [snowsignal, -t, lo, --status-socket, none, "
         "--other-relays, 198.18.2.2" +
         extra + "]\n        ready: \"relay ready:\"\n";
}

TEST(CaptureRing, OnAnMtu65536InterfaceTheRingStaysWithinItsMemoryBound) {
  const std::string yaml =
      two_segment_network("capture-ring") + relay_on_loopback("bounded", "198.18.1.5", "") +
      // The control: the same ring allowed 128 MiB maps more than 32,
      // so it is the bound, not the kernel, that holds the default.
      relay_on_loopback("wider", "198.18.1.6", ", --capture-ring-memory, \"134217728\"") +
      R"(expect:
  - {log: "capture ring bounded by --capture-ring-memory 32768 KiB: 256 of the 8192 frames asked at MTU 65536", process: bounded}
  - {log: "relay ready: lo", process: bounded}
)";
  const auto run = run_generated_scenario("capture-ring", yaml);
  expect_all_pass(run);
  const long bounded = mapped_kib(read_text(run.log("bounded")));
  const long wider = mapped_kib(read_text(run.log("wider")));
  EXPECT_GT(bounded, 0);
  EXPECT_LE(bounded, 32 * 1024);
  EXPECT_GT(wider, 32 * 1024);
  EXPECT_LE(wider, 128 * 1024);
}

}  // namespace
}  // namespace integration
