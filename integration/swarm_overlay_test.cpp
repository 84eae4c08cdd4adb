// snowsignal on the network it exists for (issue 19): a Docker Swarm overlay, built by
// netsim as Docker's overlay driver builds it (VXLAN per node, static FDB and ARP
// entries, no flooding), with the relay as a global service that finds its peers
// through tasks.<service> alone. Each test has its negative control: without the relay
// nothing is found while unicast by address works; without --multicast the group stays
// on its node; with flooding and no de-duplication the copy bound breaks; under
// another key a relay is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <set>

#include "support/overlay_capture.h"
#include "support/scenario_run.h"
#include "support/segment_capture.h"
#include "support/swarm_scenario.h"

namespace integration {
namespace {

// The verdict of each expectation whose description contains `what`, in order.
std::string verdicts_of(const ScenarioRun& run, const std::string& what) {
  std::string out;
  for (const auto& e : run.report.at("expectations"))
    if (e.at("description").get<std::string>().find(what) != std::string::npos)
      out += e.at("verdict").get<std::string>();
  return out;
}

std::set<std::string> peers_of(const ScenarioRun& run, const std::string& relay) {
  const auto stats = read_json(run.stats(relay));
  std::set<std::string> out;
  for (const auto& p : stats.at("peers")) out.insert(p.get<std::string>());
  return out;
}

TEST(SwarmOverlay, TheShippedSwarmCarriesDiscoveryAndLargeAndMulticastDatagramsAcrossNodes) {
  const auto run = run_scenario(scenario_file("swarm-overlay.yaml"));
  expect_all_pass(run);
  // The relays were given no peer: each found the other two tasks of the service.
  EXPECT_EQ(peers_of(run, "relay1"), (std::set<std::string>{"198.19.1.3", "198.19.1.4"}));
  EXPECT_EQ(peers_of(run, "relay2"), (std::set<std::string>{"198.19.1.2", "198.19.1.4"}));
  EXPECT_EQ(peers_of(run, "relay3"), (std::set<std::string>{"198.19.1.2", "198.19.1.3"}));
  // Between nodes only VXLAN crossed (VNI 4096, node to node; besides the nodes' own
  // ARP and IGMP), nothing bigger than the underlay's 1500-byte MTU; the searches
  // themselves never appear there in the clear.
  const UnderlayCensus u = underlay_census(run.pcap("underlay"));
  EXPECT_GT(u.vxlan, 50u);
  EXPECT_EQ(u.other_ipv4, 0u);
  EXPECT_EQ(u.vnis, (std::set<std::uint32_t>{4096}));
  for (const auto& e : u.endpoints) EXPECT_EQ(e.rfind("198.18.0.1", 0), 0u) << e;
  EXPECT_LE(u.largest, 1514u);
  EXPECT_TRUE(broadcasts_in(run.pcap("underlay")).empty());
  // On each node's bridge no frame exceeds the overlay's MTU of 1450; the 3000-byte
  // broadcasts crossed as IPv4 fragments on node3 (desk3's) and on node2 (relay2's).
  for (const char* node : {"node1", "node2", "node3"})
    EXPECT_LE(largest_frame(run.pcap(std::string("pvanet.") + node)), 1450u + 14) << node;
  for (const char* node : {"node2", "node3"}) {
    const auto fragments = fragments_in(run.pcap(std::string("pvanet.") + node), "198.19.1.255");
    EXPECT_GE(fragments.size(), 10u * 3) << node;
    for (const auto& f : fragments) EXPECT_EQ(f.ip_source, "198.19.1.7") << node;
  }
  // The searches on node1 are relay1's re-broadcasts, each with its client's source.
  std::set<std::string> sources;
  for (const auto& d : broadcasts_in(run.pcap("pvanet.node1"))) sources.insert(d.ip_source);
  EXPECT_TRUE(sources.count("198.19.1.6") && sources.count("198.19.1.7"));
}

// Negative control of the group: without --multicast it stays on its node, and only
// that check fails.
TEST(SwarmOverlay, NegativeControlWithoutMulticastThePythonCanGroupStaysOnItsNode) {
  const auto run = run_generated_scenario(
      "swarm-overlay-no-multicast",
      fixture_with_replaced("swarm-overlay.yaml", "--multicast, \"239.74.163.2:43113\",", ""));
  EXPECT_EQ(verdicts_of(run, "239.74.163.2:43113"), "FAIL") << run.summary();
  EXPECT_EQ(verdicts_of(run, "discover"), "PASSPASS") << run.summary();
  EXPECT_EQ(verdicts_of(run, "198.19.1.255:5076"), "PASSPASS") << run.summary();
  EXPECT_EQ(run.exit_code, 1);
}

// Servers on node1 and node3, a client on node2 and one beside each server: discovery
// and a value read node2 -> node1, node3 -> node1 and node1 -> node3.
std::string both_ways(bool relays) {
  std::string yaml = swarm_network(relays ? "swarm-both-ways" : "swarm-no-relay", 12);
  if (relays) yaml += swarm_relays();
  yaml += swarm_task("ioc1", 1, "--pv, \"ONE:PV=1\"") +
          swarm_task("ioc3", 3, "--pv, \"THREE:PV=3\"") + swarm_task("desk2", 2);
  yaml += "expect:\n";
  const std::string found = relays ? "discover" : "no_discover";
  const std::string value1 = relays ? ", value: 1" : "", value3 = relays ? ", value: 3" : "";
  yaml += "  - {" + found + ": ONE:PV, client: desk2, within: 3" +
          (relays ? ", from: ioc1" + value1 : "") + "}\n";
  yaml += "  - {" + found + ": ONE:PV, client: ioc3, within: 3" +
          (relays ? ", from: ioc1" + value1 : "") + "}\n";
  yaml += "  - {" + found + ": THREE:PV, client: ioc1, within: 3" +
          (relays ? ", from: ioc3" + value3 : "") + "}\n";
  if (!relays)  // the emulation is right: the same server by address, across nodes
    yaml +=
        "  - {discover: ONE:PV, client: desk2, from: ioc1, value: 1, within: 3, at: 3.5,\n"
        "     args: [--addr-list, \"${ioc1}\", --auto-addr-list, \"NO\"]}\n";
  return yaml;
}

TEST(SwarmOverlay, DiscoveryAndValueReadCrossNodesBothWaysWithPeersFromTasksOfTheService) {
  const auto run = run_generated_scenario("swarm-both-ways", both_ways(true));
  expect_all_pass(run);
  EXPECT_EQ(peers_of(run, "relay2"), (std::set<std::string>{"198.19.1.2", "198.19.1.4"}));
}

TEST(SwarmOverlay, NegativeControlWithoutTheRelayServiceNothingIsFoundButUnicastByAddressIs) {
  const auto run = run_generated_scenario("swarm-no-relay", both_ways(false));
  expect_all_pass_with_no_discover(run);
  EXPECT_EQ(verdicts_of(run, "no_discover"), "PASSPASSPASS") << run.summary();
}

// A flooding overlay (flood: true): every node sees each broadcast natively, so the
// relays must add nothing: each broadcast reaches each node once and they refuse the
// mesh copies as coming from their own broadcast domain. 5 broadcasts from node2.
std::string flooding(int dedup_window_ms) {
  std::string yaml = swarm_network("swarm-flooding", 6, true);
  yaml +=
      swarm_relays({1, 2, 3}, ", --dedup-window-ms, \"" + std::to_string(dedup_window_ms) + "\"");
  yaml += swarm_task("desk1", 1) + swarm_task("desk2", 2);
  yaml += R"(expect:
  - {deliver: 5, from: desk2, to: 198.19.1.255:5076, receiver: desk1, rate: 10, within: 2}
  - {max_copies: 1, segment: pvanet, node: node1, min_datagrams: 5}
  - {max_copies: 1, segment: pvanet, node: node2, min_datagrams: 5}
  - {max_copies: 1, segment: pvanet, node: node3, min_datagrams: 5}
)";
  return yaml;
}

TEST(SwarmOverlay, OnAFloodingOverlayEachBroadcastStillReachesEachNodeOnce) {
  const auto run = run_generated_scenario("swarm-flooding", flooding(500));
  expect_all_pass(run);
  for (const char* relay : {"relay1", "relay2", "relay3"}) {
    const auto stats = read_json(run.stats(relay));
    EXPECT_EQ(stats.at("rebroadcast"), 0) << relay << ": " << stats.dump();
    EXPECT_GE(stats.at("dropped").value("origin_segment", 0), 1) << relay << ": " << stats.dump();
  }
}

TEST(SwarmOverlay, NegativeControlOnAFloodingOverlayWithoutDeduplicationBroadcastsLoop) {
  const auto run = run_generated_scenario("swarm-flooding-nodedup", flooding(0));
  EXPECT_EQ(run.exit_code, 1) << run.summary();
  EXPECT_EQ(verdicts_of(run, "max_copies"), "FAILFAILFAIL") << run.summary();
}

// Mesh v2 on the overlay, the key file mounted as a Docker secret with mode 0400
// (Swarm's default 0444 is refused by the relay); relay3 under another key in the control.
std::string authenticated(const std::filesystem::path& keys, bool wrong_key_on_relay3) {
  std::string yaml = swarm_network("swarm-mesh-v2", 10);
  yaml += swarm_relays({1, 2}, "", ", MESH_KEY_FILE: \"" + (keys / "mesh_key").string() + "\"");
  yaml +=
      swarm_relays({3}, "",
                   ", MESH_KEY_FILE: \"" +
                       (keys / (wrong_key_on_relay3 ? "other_key" : "mesh_key")).string() + "\"");
  yaml += swarm_task("ioc1", 1, "--pv, \"KEYED:PV=5\"") + swarm_task("desk2", 2) +
          swarm_task("desk3", 3);
  yaml += R"(expect:
  - {discover: KEYED:PV, client: desk2, from: ioc1, value: 5, within: 3}
  - {discover: KEYED:PV, client: desk3, from: ioc1, value: 5, within: 3}
  - {peer_state: {process: relay1, peer: "${relay2}", state: up, within: 5}}
)";
  return yaml;
}

// A directory of Docker-secret-like key files (mode 0400), removed at the end.
struct SecretDir {
  std::filesystem::path path;
  SecretDir() {
    char templ[] = "/tmp/snowsignal-secrets-XXXXXX";
    path = mkdtemp(templ);
    write("mesh_key", "1 " + std::string(64, 'a'));
    write("other_key", "1 " + std::string(64, 'b'));
  }
  ~SecretDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text << "\n";
    chmod((path / name).c_str(), 0400);
  }
};

TEST(SwarmOverlay, TheAuthenticatedMeshWorksOnTheOverlayWithTheKeyAsADockerSecret) {
  const SecretDir keys;
  const auto run = run_generated_scenario("swarm-mesh-v2", authenticated(keys.path, false));
  expect_all_pass(run);
  const auto stats = read_json(run.stats("relay3"));
  // An authenticated round trip: relay3 (started last) had its heartbeats answered.
  EXPECT_GE(stats.at("heartbeat_replies"), 1) << stats.dump();
  EXPECT_EQ(stats.at("dropped").value("v1_refused", 0), 0) << stats.dump();
}

TEST(SwarmOverlay, NegativeControlARelayUnderAnotherKeyIsRefusedAndItsNodeFindsNothing) {
  const SecretDir keys;
  const auto run =
      run_generated_scenario("swarm-mesh-v2-wrong-key", authenticated(keys.path, true));
  EXPECT_EQ(verdicts_of(run, "on desk2"), "PASS") << run.summary();
  EXPECT_EQ(verdicts_of(run, "on desk3"), "FAIL") << run.summary();
  const auto stats = read_json(run.stats("relay1"));
  EXPECT_GE(stats.at("dropped").value("bad_mac", 0) + stats.at("dropped").value("unknown_key", 0),
            1)
      << stats.dump();
}

}  // namespace
}  // namespace integration
