// Hostile mesh input, from a host that is not a peer and malformed datagrams from one
// that is: counted, dropped, never re-broadcast, and the daemon keeps relaying.
#include <gtest/gtest.h>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

TEST(BadInput, ForeignAndMalformedMeshDatagramsAreCountedDroppedAndNeverRebroadcast) {
  const auto run = run_scenario(scenario_file("integration/bad-input.yaml"));
  // bad-input.yaml checks the counters before and after a real discovery.
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  // mesh-inject frames claim IP source 198.18.99.99: none may appear on the wire.
  for (const auto& d : broadcasts_in(run.pcap("b")))
    EXPECT_NE(d.ip_source, "198.18.99.99") << "an injected frame was re-broadcast";
  // Peer-filtered input is reported in the log, rate-limited, not silently ignored.
  const auto log = read_text(run.log("relay-b"));
  EXPECT_NE(log.find("198.18.2.66"), std::string::npos) << "the intruder was not named";
}

}  // namespace
}  // namespace integration
