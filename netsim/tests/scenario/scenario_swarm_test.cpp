// Swarm nodes, overlays, tasks and services in the scenario model (issue 19): what the
// loader makes of them, the defaults Docker's overlay driver would pick, the DNS
// stand-ins it adds, and every input it refuses, with file:line.
#include <gtest/gtest.h>

#include "netsim/scenario_loader.h"
#include "netsim/substitution.h"
#include "netsim/swarm.h"

namespace netsim {
namespace {

const char* kSwarm = R"(name: swarm
duration: 20
segments:
  - {name: underlay, subnet: 198.18.0.0/24}
nodes:
  - {name: node1, segments: [{segment: underlay, address: 198.18.0.11}]}
  - {name: node2, segments: [underlay]}
overlays:
  - pvanet
  - {name: other, subnet: 198.19.9.0/24, vni: 7000, mtu: 1400, flood: true}
hosts:
  - name: relay1
    node: node1
    service: snowsignal
    segments: [pvanet]
    processes:
      - command: [snowsignal, -t, eth0]
        env: {SERVICENAME: snowsignal, WHERE: "${relay1}"}
  - name: relay2
    node: node2
    service: snowsignal
    segments: [pvanet, {segment: other, address: 198.19.9.50}]
    processes:
      - command: [snowsignal, -t, eth0]
  - {name: client, node: node2, segments: [pvanet]}
timeline:
  - {at: 2, reschedule: relay2, to: node1}
  - {at: 3, reschedule: relay2, to: node2}
expect:
  - {max_copies: 1, segment: pvanet, node: node1}
)";

TEST(ScenarioSwarm, LoadsNodesOverlaysAndTasksWithDockersDefaults) {
  Scenario sc = parse_scenario(kSwarm, "swarm.yaml");
  ASSERT_EQ(sc.segments.size(), 3u);
  const Segment& pvanet = *sc.find_segment("pvanet");
  ASSERT_TRUE(pvanet.overlay);
  EXPECT_EQ(pvanet.overlay->vni, 4096u) << "Docker's first VNI";
  EXPECT_EQ(pvanet.overlay->mtu, 1450);
  EXPECT_FALSE(pvanet.overlay->flood);
  EXPECT_EQ(to_string(pvanet.subnet), "198.19.1.0/24") << "overlay n defaults to 198.19.n.0/24";
  const Segment& other = *sc.find_segment("other");
  EXPECT_EQ(other.overlay->vni, 7000u);
  EXPECT_EQ(other.overlay->mtu, 1400);
  EXPECT_TRUE(other.overlay->flood);
  EXPECT_FALSE(sc.find_segment("underlay")->overlay);

  const Host& node2 = *sc.find_host("node2");
  EXPECT_TRUE(node2.node);
  EXPECT_EQ(to_string(node2.links[0].address), "198.18.0.10");
  const Host& relay2 = *sc.find_host("relay2");
  EXPECT_EQ(relay2.on_node, "node2");
  EXPECT_EQ(relay2.service, "snowsignal");
  // Tasks take .2 upwards (.1 is Docker's gateway), in declaration order.
  EXPECT_EQ(to_string(sc.find_host("relay1")->links[0].address), "198.19.1.2");
  EXPECT_EQ(to_string(relay2.links[0].address), "198.19.1.3");
  EXPECT_EQ(to_string(relay2.links[1].address), "198.19.9.50");
  EXPECT_EQ(relay2.links[1].ifname, "eth1");
  EXPECT_EQ(to_string(sc.find_host("client")->links[0].address), "198.19.1.4");
  EXPECT_TRUE(sc.find_host("client")->service.empty());

  ASSERT_EQ(sc.timeline.size(), 2u);
  EXPECT_EQ(sc.timeline[0].kind, FaultKind::reschedule);
  EXPECT_EQ(sc.timeline[0].host, "relay2");
  EXPECT_EQ(sc.timeline[0].node, "node1");
  EXPECT_EQ(describe(sc.timeline[0]), "reschedule relay2 to node1");
  EXPECT_EQ(sc.expectations[0].node, "node1");
}

TEST(ScenarioSwarm, EveryTaskGetsADnsStandInStartedBeforeTheDeclaredProcesses) {
  Scenario sc = parse_scenario(kSwarm, "swarm.yaml");
  ASSERT_EQ(sc.processes.size(), 5u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(sc.processes[i].swarm_dns) << i;
    EXPECT_EQ(sc.processes[i].ready, "started, version");
    EXPECT_EQ(sc.processes[i].command.front(), "dnsmasq");
  }
  EXPECT_EQ(sc.processes[0].name, "dns@relay1");
  EXPECT_EQ(sc.processes[2].name, "dns@client");
  EXPECT_EQ(sc.processes[2].host, "client");
  EXPECT_FALSE(sc.processes[3].swarm_dns);
  EXPECT_EQ(sc.processes[3].host, "relay1");
  const auto& cmd = sc.processes[0].command;
  EXPECT_NE(std::find(cmd.begin(), cmd.end(), "--listen-address=127.0.0.11"), cmd.end());
  EXPECT_NE(std::find(cmd.begin(), cmd.end(), "--addn-hosts=${logs}/swarm-dns.hosts"), cmd.end());
}

TEST(ScenarioSwarm, NoServiceNoDnsStandIn) {
  Scenario sc = parse_scenario(R"(duration: 5
segments: [u]
nodes: [{name: n1, segments: [u]}]
overlays: [o]
hosts:
  - {name: t, node: n1, segments: [o], processes: [{command: [x]}]}
)",
                               "t.yaml");
  ASSERT_EQ(sc.processes.size(), 1u);
  EXPECT_FALSE(sc.processes[0].swarm_dns);
}

TEST(ScenarioSwarm, ProcessEnvironmentTakesVariables) {
  Scenario sc = parse_scenario(kSwarm, "swarm.yaml");
  const ProcessSpec& p = *sc.find_process("relay1");
  ASSERT_EQ(p.env.size(), 2u);
  EXPECT_EQ(p.env[0], (std::pair<std::string, std::string>{"SERVICENAME", "snowsignal"}));
  EXPECT_EQ(substitute(p.env[1].second, run_variables(sc, "/l", "relay1")), "198.19.1.2");
}

TEST(ScenarioSwarm, TheDnsStandInListsTheTasksOfEachServiceThatAreUp) {
  Scenario sc = parse_scenario(kSwarm, "swarm.yaml");
  const std::string all = swarm_dns_hosts(sc, [](const Host&) { return true; });
  EXPECT_NE(all.find("198.19.1.2 tasks.snowsignal\n"), std::string::npos) << all;
  EXPECT_NE(all.find("198.19.1.3 tasks.snowsignal\n"), std::string::npos) << all;
  EXPECT_NE(all.find("198.19.9.50 tasks.snowsignal\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("198.19.1.4"), std::string::npos) << "client has no service: " << all;
  const std::string one = swarm_dns_hosts(sc, [](const Host& h) { return h.name != "relay2"; });
  EXPECT_EQ(one.find("198.19.1.3"), std::string::npos) << one;
  EXPECT_NE(one.find("198.19.1.2 tasks.snowsignal\n"), std::string::npos) << one;
  EXPECT_EQ(swarm_resolv_conf().rfind("nameserver 127.0.0.11\n", 0), 0u);
}

TEST(ScenarioSwarm, TaskMacIsDockersFromTheAddress) {
  EXPECT_EQ(task_mac(*parse_ipv4("198.19.1.2")), "02:42:c6:13:01:02");
  EXPECT_EQ(task_mac(*parse_ipv4("198.19.255.254")), "02:42:c6:13:ff:fe");
}

TEST(ScenarioSwarm, ARescheduledTaskGetsTheNextAddressNeverOneJustReleased) {
  const Subnet s = *parse_subnet("198.19.1.0/29");  // .1 gateway, .2-.6 tasks
  auto ip = [](const char* t) { return *parse_ipv4(t); };
  // .3 was just released (not in use): the allocator goes on from the highest, .4.
  EXPECT_EQ(to_string(next_task_address(s, ip("198.19.1.4"), {ip("198.19.1.2"), ip("198.19.1.4")})),
            "198.19.1.5");
  // At the top it wraps around to the lowest free from .2.
  EXPECT_EQ(to_string(next_task_address(s, ip("198.19.1.6"), {ip("198.19.1.2"), ip("198.19.1.6")})),
            "198.19.1.3");
  EXPECT_THROW(next_task_address(s, ip("198.19.1.6"),
                                 {ip("198.19.1.2"), ip("198.19.1.3"), ip("198.19.1.4"),
                                  ip("198.19.1.5"), ip("198.19.1.6")}),
               std::runtime_error);
}

struct BadSwarm {
  const char* name;
  const char* yaml;
  int line;
  const char* message;
};

class ScenarioSwarmErrors : public ::testing::TestWithParam<BadSwarm> {};

TEST_P(ScenarioSwarmErrors, ReportFileLineAndCause) {
  const BadSwarm& c = GetParam();
  try {
    parse_scenario(c.yaml, "bad.yaml");
    FAIL() << "accepted: " << c.yaml;
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().line, c.line) << what;
    EXPECT_NE(what.find(c.message), std::string::npos) << what;
    EXPECT_EQ(what.rfind("bad.yaml:" + std::to_string(c.line) + ": ", 0), 0u) << what;
  }
}

// The common start: an underlay, two nodes, one overlay (lines 1-5).
#define SWARM_HEAD \
  "duration: 9\nsegments: [u]\nnodes: [{name: n1, segments: [u]}, {name: n2, segments: [u]}]\n"

const BadSwarm kBadSwarm[] = {
    {"UnknownNode", SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: t, node: n9, segments: [o]}\n", 6,
     "unknown node 'n9'"},
    {"TaskOnAHostNotANode",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: h, segments: [u]}\n"
                "  - {name: t, node: h, segments: [o]}\n",
     7, "'h' is a host, not a node"},
    {"OverlaySubnetOutsideTheBenchmarkSpace",
     SWARM_HEAD "overlays:\n  - {name: o, subnet: 10.0.1.0/24}\n", 5, "outside 198.18.0.0/15"},
    {"OverlayOverlapsASegment",
     "duration: 9\nsegments: [{name: u, subnet: 198.19.0.0/16}]\noverlays: [o]\n", 3,
     "overlaps segment 'u'"},
    {"DuplicateVni", SWARM_HEAD "overlays:\n  - {name: o, vni: 42}\n  - {name: p, vni: 42}\n", 6,
     "VNI 42 is overlay 'o''s already"},
    {"DefaultVniTakenByAnExplicitOne", SWARM_HEAD "overlays:\n  - {name: o, vni: 4097}\n  - p\n", 6,
     "VNI 4097"},
    {"VniBeyond24Bits", SWARM_HEAD "overlays:\n  - {name: o, vni: 16777216}\n", 5,
     "vni must be between 1 and 16777215"},
    {"MtuTooBigForTheUnderlay", SWARM_HEAD "overlays:\n  - {name: o, mtu: 1500}\n", 5, "RFC 7348"},
    {"OverlayUnknownKey", SWARM_HEAD "overlays:\n  - {name: o, ipv6: true}\n", 5,
     "unknown key 'ipv6' in overlay"},
    {"OverlayNameTaken", SWARM_HEAD "overlays: [u]\n", 4, "declared twice"},
    {"HostOnAnOverlayWithoutNode",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - name: h\n    segments: [o]\n", 7,
     "'o' is an overlay: host 'h' needs node:"},
    {"TaskOnAPlainSegment",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - name: t\n    node: n1\n    segments: [o, u]\n", 8,
     "joins overlays only; 'u' is a segment"},
    {"RouterOnAnOverlay", SWARM_HEAD "overlays: [o]\nrouters:\n  - name: r\n    segments: [u, o]\n",
     7, "router 'r' cannot join overlay 'o'"},
    {"NodeOnAnOverlay",
     "duration: 9\nsegments: [u]\noverlays: [o]\nnodes:\n  - name: n\n    segments: [u, o]\n", 6,
     "node 'n' cannot join overlay 'o'"},
    {"NodeWithoutIpv4",
     "duration: 9\nsegments: [{name: u, ipv4: false, ipv6: true}]\nnodes:\n  - name: n\n"
     "    segments: [u]\n",
     5, "VXLAN endpoint"},
    {"TaskOnTheGateway",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - name: t\n    node: n1\n    segments: [{segment: o, "
                "address: 198.19.1.1}]\n",
     8, "gateway of overlay 'o'"},
    {"ServiceOnAPlainHost", SWARM_HEAD "hosts:\n  - name: h\n    segments: [u]\n    service: s\n",
     7, "service: is for tasks"},
    {"NodeKeyOnANode",
     "duration: 9\nsegments: [u]\nnodes:\n  - {name: n, node: n, segments: [u]}\n", 4,
     "unknown key 'node' in node"},
    {"RescheduleToAnUnknownNode",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: t, node: n1, segments: [o]}\ntimeline:\n"
                "  - {at: 1, reschedule: t, to: n7}\n",
     8, "unknown node 'n7'"},
    {"RescheduleWithoutTo",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: t, node: n1, segments: [o]}\ntimeline:\n"
                "  - {at: 1, reschedule: t}\n",
     8, "reschedule needs to: NODE"},
    {"RescheduleToItsOwnNode",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: t, node: n1, segments: [o]}\ntimeline:\n"
                "  - {at: 1, reschedule: t, to: n2}\n  - {at: 2, reschedule: t, to: n2}\n",
     9, "on node 'n2' already"},
    {"RescheduleAHostThatIsNoTask",
     SWARM_HEAD "hosts:\n  - {name: h, segments: [u]}\ntimeline:\n"
                "  - {at: 1, reschedule: h, to: n2}\n",
     7, "'h' is not a task"},
    {"ToOnAnotherEvent",
     SWARM_HEAD "overlays: [o]\nhosts:\n  - {name: t, node: n1, segments: [o], processes: "
                "[{command: [x]}]}\ntimeline:\n  - {at: 1, kill: t, to: n2}\n",
     8, "to: applies to reschedule only"},
    {"PartitionOfAnOverlay",
     SWARM_HEAD "overlays: [o]\ntimeline:\n  - {at: 1, partition: [u, o]}\n", 6,
     "'o' is an overlay"},
    {"MaxCopiesOnAnOverlayWithoutNode",
     SWARM_HEAD "overlays: [o]\nexpect:\n  - {max_copies: 1, segment: o}\n", 6, "needs node: NODE"},
    {"MaxCopiesNodeOnASegment", SWARM_HEAD "expect:\n  - {max_copies: 1, segment: u, node: n1}\n",
     5, "node: applies to an overlay"},
    {"BadEnvName",
     "duration: 9\nsegments: [u]\nhosts:\n  - name: h\n    segments: [u]\n    processes:\n"
     "      - command: [x]\n        env: {1X: y}\n",
     8, "env name '1X'"},
    {"UnknownVariableInEnv",
     "duration: 9\nsegments: [u]\nhosts:\n  - name: h\n    segments: [u]\n    processes:\n"
     "      - command: [x]\n        env: {X: \"${ghost}\"}\n",
     7, "unknown variable ${ghost}"},
};

INSTANTIATE_TEST_SUITE_P(Swarm, ScenarioSwarmErrors, ::testing::ValuesIn(kBadSwarm),
                         [](const ::testing::TestParamInfo<BadSwarm>& p) { return p.param.name; });

}  // namespace
}  // namespace netsim
