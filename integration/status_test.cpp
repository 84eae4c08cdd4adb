// `snowsignal status` against real relays in netsim (issue 21): a three-relay mesh whose
// third relay dies shows that peer unreachable on relay-a's screen while relay-a stays
// healthy (exit 0, the /healthz verdict); a relay with no peer is unhealthy (exit 1);
// asking where no relay runs is exit 2, with one line.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

// Asks until `until` shows on the screen (bounded: 100 tries, 10 s), then logs the exit
// status; the screen is left in ${logs}/NAME.txt.
std::string poll_status(const std::string& name, const std::string& socket,
                        const std::string& until) {
  return "      - name: " + name +
         "\n        command: [sh, -c, \"i=0; while [ $$i -lt 100 ]; do " SNOWSIGNAL_EXE
         " status --status-socket " +
         socket + " > ${logs}/" + name + ".txt 2>&1; code=$$?; grep -q '" + until + "' ${logs}/" +
         name + ".txt && break; i=$$((i+1)); sleep 0.1; done; echo " + name + " exit $$code\"]\n";
}

std::string relay(const std::string& name, const std::string& segment, const std::string& address,
                  const std::string& peers) {
  return "  - name: " + name + "\n    segments: [{segment: " + segment + ", address: " + address +
         "}]\n    processes:\n      - command: [snowsignal, -t, eth0, --stats-file, "
         "\"${stats}\", --status-socket, \"${logs}/" +
         name + ".sock\"" + peers + "]\n        ready: \"relay ready:\"\n";
}

TEST(Status, ShowsADeadPeerUnreachableOnAHealthyRelayAndTheExitStatusFollowsTheVerdict) {
  const std::string yaml =
      three_segment_network("status", 20) +
      relay("relay-a", "a", "198.18.1.2", ", --other-relays, 198.18.2.2, 198.18.3.2") +
      relay("relay-b", "b", "198.18.2.2", ", --other-relays, 198.18.1.2, 198.18.3.2") +
      relay("relay-c", "c", "198.18.3.2", ", --other-relays, 198.18.1.2, 198.18.2.2") +
      // Alone: no peer at all (self-relay mode), which /healthz calls unhealthy.
      relay("lonely", "c", "198.18.3.3", "") +
      R"(  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --pv, "STATUS:PV"]
        ready: "pva-server ready:"
  - name: operator
    segments: [{segment: a, address: 198.18.1.40}]
    processes:
)" + poll_status("screen-a", "${logs}/relay-a.sock", "unreachable") +
      poll_status("screen-lonely", "${logs}/lonely.sock", "relay: unhealthy") +
      poll_status("screen-none", "${logs}/nobody.sock", "no relay answers") +
      R"(  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
timeline:
  - {at: 0.2, kill: relay-c}
expect:
  - {discover: STATUS:PV, from: server, client: client, within: 5, at: 1}
  - {log: "screen-a exit 0", process: screen-a, at: 12}
  - {log: "screen-lonely exit 1", process: screen-lonely, at: 12}
  - {log: "screen-none exit 2", process: screen-none, at: 12}
)";
  const auto run = run_generated_scenario("status", yaml);
  const std::string screen = read_text(run.dir / "logs" / "screen-a.txt");
  expect_all_pass(run);
  // relay-a: healthy, b up (it answered the search's relay), c unreachable with why.
  EXPECT_NE(screen.find("relay: ok: capturing on eth0, 2 peers"), std::string::npos) << screen;
  EXPECT_NE(screen.find("mesh: port 7124, v1"), std::string::npos) << screen;
  EXPECT_NE(screen.find("198.18.3.2"), std::string::npos) << screen;
  EXPECT_NE(screen.find("ICMP port unreachable"), std::string::npos) << screen;
  EXPECT_NE(screen.find("relayed: captured "), std::string::npos) << screen;
  const std::string lonely = read_text(run.dir / "logs" / "screen-lonely.txt");
  EXPECT_NE(lonely.find("relay: unhealthy"), std::string::npos) << lonely;
  const std::string none = read_text(run.dir / "logs" / "screen-none.txt");
  EXPECT_NE(none.find("snowsignal status: no relay answers on"), std::string::npos) << none;
}

}  // namespace
}  // namespace integration
