#include "netsim/scenario_loader.h"

#include <dirent.h>
#include <gtest/gtest.h>

namespace netsim {
namespace {

const char* kValid = R"(name: demo
duration: 20
segments:
  - name: a
    subnet: 198.18.1.0/24
  - name: b
routers:
  - name: r
    segments: [a, b]
hosts:
  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
      - name: relay-a
        command: [snowsignal, -t, eth0, --other-relays, "${client}"]
        ready: "relay ready:"
  - name: client
    segments: [a, b]
    routes:
      - {to: 198.18.9.0/24, via: 198.18.1.1}
timeline:
  - {at: 3, kill: relay-a}
  - {at: 1, loss: client.eth1, percent: 20}
  - {at: 2, partition: [a, b]}
  - {at: 4, heal: all}
expect:
  - discover: [P1, P2]
    client: client
    from: relay-a
    within: 4
  - no_discover: P3
    client: client
    at: 5
  - {max_copies: 2, segment: b}
  - {counter: dropped.unknown_peer, process: relay-a, op: ">=", value: 1}
  - {log: "relay ready:", process: relay-a}
)";

TEST(ScenarioLoader, LoadsAValidScenarioWithEveryKind) {
  Scenario sc = parse_scenario(kValid, "demo.yaml");
  EXPECT_EQ(sc.name, "demo");
  EXPECT_EQ(sc.duration, 20);
  ASSERT_EQ(sc.segments.size(), 2u);
  EXPECT_EQ(to_string(sc.segments[1].subnet), "198.18.2.0/24")
      << "segment n defaults to 198.18.n.0/24";
  ASSERT_EQ(sc.hosts.size(), 3u);
  EXPECT_TRUE(sc.hosts[0].router);
  ASSERT_EQ(sc.processes.size(), 1u);
  EXPECT_EQ(sc.processes[0].host, "relay-a");
  EXPECT_EQ(sc.processes[0].ready, "relay ready:");
  ASSERT_EQ(sc.timeline.size(), 4u);
  EXPECT_EQ(sc.timeline[0].kind, FaultKind::loss) << "timeline is sorted by time";
  EXPECT_EQ(sc.timeline[0].ifname, "eth1");
  EXPECT_EQ(sc.timeline[0].percent, 20);
  EXPECT_EQ(sc.timeline[3].kind, FaultKind::heal);
  EXPECT_TRUE(sc.timeline[3].segment_a.empty());
  ASSERT_EQ(sc.expectations.size(), 5u);
  EXPECT_EQ(sc.expectations[0].pvs, (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(*sc.expectations[0].at, 0) << "discover runs at t=0 unless told";
  EXPECT_FALSE(sc.expectations[3].at) << "counters are read at the end unless told";
  EXPECT_EQ(sc.expectations[3].counter, "dropped.unknown_peer");
  EXPECT_EQ(sc.expectations[0].where.line, 27);
}

const char* kPeerStates = R"(name: peers
duration: 20
segments: [a, b]
routers:
  - {name: r, segments: [a, b]}
hosts:
  - name: relay-a
    segments: [a]
    processes:
      - command: [snowsignal, --stats-file, "${stats}"]
  - {name: relay-b, segments: [b]}
expect:
  - peer_state: {process: relay-a, peer: "${relay-b}", state: unreachable, within: 5}
  - peer_state: {process: relay-a, peer: 198.18.2.10, state: unknown}
    at: 3
)";

TEST(ScenarioLoader, PeerStateTakesAProcessAPeerAStateAndOptionallyWithin) {
  Scenario sc = parse_scenario(kPeerStates, "peers.yaml");
  ASSERT_EQ(sc.expectations.size(), 2u);
  const Expectation& polled = sc.expectations[0];
  EXPECT_EQ(polled.kind, ExpectKind::peer_state);
  EXPECT_EQ(polled.process, "relay-a");
  EXPECT_EQ(polled.peer, "${relay-b}") << "substituted when the run starts";
  EXPECT_EQ(polled.peer_state, "unreachable");
  EXPECT_TRUE(polled.poll);
  EXPECT_EQ(polled.within, 5);
  EXPECT_EQ(*polled.at, 0) << "a polled state is watched from t=0 unless told";
  const Expectation& once = sc.expectations[1];
  EXPECT_FALSE(once.poll);
  EXPECT_EQ(*once.at, 3);
  EXPECT_EQ(describe(polled), "peer_state relay-a sees ${relay-b} unreachable within 5s at 0s");
}

TEST(ScenarioLoader, PeerStateErrorsNameTheLine) {
  const std::string head = R"(duration: 5
segments: [a]
hosts:
  - name: h
    segments: [a]
    processes:
      - command: [x]
expect:
)";
  const auto error_of = [&](const std::string& item) -> std::string {
    try {
      parse_scenario(head + item, "x.yaml");
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error_of("  - peer_state: {process: h, peer: 198.18.1.2, state: down}\n")
                .find("state must be one of up, unreachable, silent, unknown"),
            std::string::npos);
  EXPECT_NE(error_of("  - peer_state: {process: h, state: up}\n").find("needs peer:"),
            std::string::npos);
  EXPECT_NE(error_of("  - peer_state: {process: nobody, peer: 198.18.1.2, state: up}\n")
                .find("unknown process 'nobody'"),
            std::string::npos);
  EXPECT_NE(error_of("  - peer_state: {process: h, peer: \"${ghost}\", state: up}\n").find("ghost"),
            std::string::npos);
  EXPECT_NE(
      error_of("  - peer_state: {process: h, peer: 198.18.1.2, state: up, within: 4, at: 3}\n")
          .find("exceeds duration"),
      std::string::npos);
  EXPECT_NE(error_of("  - peer_state: {process: h, peer: 198.18.1.2, state: up, colour: 1}\n")
                .find("unknown key 'colour'"),
            std::string::npos);
}

TEST(ScenarioLoader, AllocatesRoutersFromDot1AndHostsFromDot10AroundExplicitOnes) {
  Scenario sc = parse_scenario(kValid, "demo.yaml");
  const Host* r = sc.find_host("r");
  EXPECT_EQ(to_string(r->links[0].address), "198.18.1.1");
  EXPECT_EQ(to_string(r->links[1].address), "198.18.2.1");
  EXPECT_EQ(to_string(sc.find_host("relay-a")->links[0].address), "198.18.1.2");
  const Host* c = sc.find_host("client");
  EXPECT_EQ(c->links[0].ifname, "eth0");
  EXPECT_EQ(to_string(c->links[0].address), "198.18.1.10");
  EXPECT_EQ(c->links[1].ifname, "eth1");
  EXPECT_EQ(to_string(c->links[1].address), "198.18.2.10");
  EXPECT_EQ(to_string(*sc.router_on("b")), "198.18.2.1");
}

TEST(ScenarioLoader, SkipsExplicitAddressesWhenAllocating) {
  Scenario sc = parse_scenario(R"(duration: 5
segments: [a]
hosts:
  - {name: x, segments: [{segment: a, address: 198.18.1.10}]}
  - {name: y, segments: [a]}
)",
                               "t.yaml");
  EXPECT_EQ(to_string(sc.find_host("y")->links[0].address), "198.18.1.11");
}

struct BadCase {
  const char* name;
  const char* yaml;
  int line;
  const char* message;
};

class ScenarioLoaderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioLoaderErrors, ReportFileLineAndCause) {
  const BadCase& c = GetParam();
  try {
    parse_scenario(c.yaml, "bad.yaml");
    FAIL() << "accepted: " << c.yaml;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.where().line, c.line) << e.what();
    EXPECT_EQ(e.where().file, "bad.yaml");
    std::string what = e.what();
    EXPECT_NE(what.find(c.message), std::string::npos) << what;
    EXPECT_EQ(what.rfind("bad.yaml:" + std::to_string(c.line) + ": ", 0), 0u) << what;
  }
}

const BadCase kBadCases[] = {
    {"InvalidYaml", "duration: 5\nsegments: [a\n", 3, "invalid YAML"},
    {"MissingDuration", "segments: [a]\n", 1, "missing 'duration'"},
    {"UnknownTopLevelKey", "duration: 5\nsegmnts: [a]\n", 2, "unknown key 'segmnts'"},
    {"DurationNotANumber", "duration: soon\nsegments: [a]\n", 1, "duration must be a number"},
    {"SubnetOutsideBenchmarkSpace",
     "duration: 5\nsegments:\n  - name: a\n    subnet: 10.0.0.0/24\n", 4, "outside 198.18.0.0/15"},
    {"SubnetPartlyOutside", "duration: 5\nsegments:\n  - {name: a, subnet: 198.16.0.0/14}\n", 3,
     "outside 198.18.0.0/15"},
    {"SubnetWithHostBits", "duration: 5\nsegments:\n  - {name: a, subnet: 198.18.1.7/24}\n", 3,
     "not a subnet"},
    {"OverlappingSegments", "duration: 5\nsegments:\n  - {name: a, subnet: 198.18.0.0/16}\n  - b\n",
     4, "overlaps"},
    {"AddressOutsideBenchmarkSpace",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments:\n      - {segment: a, "
     "address: 192.168.1.5}\n",
     6, "outside 198.18.0.0/15"},
    {"AddressOutsideItsSegment",
     "duration: 5\nsegments: [a, b]\nhosts:\n  - name: h\n    segments:\n      - {segment: a, "
     "address: 198.18.2.5}\n",
     6, "outside segment 'a'"},
    {"BroadcastAddressGiven",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments:\n      - {segment: a, "
     "address: 198.18.1.255}\n",
     6, "broadcast"},
    {"DuplicateAddress",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: h, segments: [{segment: a, address: "
     "198.18.1.5}]}\n"
     "  - {name: i, segments: [{segment: a, address: 198.18.1.5}]}\n",
     5, "used twice"},
    {"UnknownSegment", "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [z]\n", 5,
     "unknown segment 'z'"},
    {"DuplicateHost",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: h, segments: [a]}\n  - {name: h, segments: "
     "[a]}\n",
     5, "declared twice"},
    {"BadHostName", "duration: 5\nsegments: [a]\nhosts:\n  - {name: h.x, segments: [a]}\n", 4,
     "must use only"},
    {"RouterOnOneSegment", "duration: 5\nsegments: [a]\nrouters:\n  - {name: r, segments: [a]}\n",
     4, "at least two segments"},
    {"RouteOutsideBenchmarkSpace",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    routes:\n      - "
     "{to: 10.1.0.0/16, via: 198.18.1.1}\n",
     7, "outside 198.18.0.0/15"},
    {"ProcessWithoutCommand",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    processes:\n      - "
     "name: p\n",
     7, "needs command"},
    {"UnknownVariableInCommand",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    processes:\n      - "
     "command: [x, \"${nobody}\"]\n",
     7, "unknown variable ${nobody}"},
    {"TimelineAfterDuration",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    processes:\n      - "
     "command: [x]\n"
     "timeline:\n  - {at: 9, kill: h}\n",
     9, "at must be between"},
    {"TimelineUnknownProcess",
     "duration: 5\nsegments: [a]\ntimeline:\n  - at: 1\n    kill: ghost\n", 5,
     "unknown process 'ghost'"},
    {"TimelineTwoActions",
     "duration: 5\nsegments: [a, b]\ntimeline:\n  - {at: 1, partition: [a, b], heal: all}\n", 4,
     "exactly one"},
    {"LossWithoutPercent",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: h, segments: [a]}\ntimeline:\n  - {at: 1, "
     "loss: h.eth0}\n",
     6, "percent"},
    {"LossOnUnknownInterface",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: h, segments: [a]}\ntimeline:\n  - {at: 1, "
     "loss: h.eth3, percent: 5}\n",
     6, "no interface or segment 'eth3'"},
    {"ExpectationWithoutKind", "duration: 5\nsegments: [a]\nexpect:\n  - {client: x}\n", 4,
     "exactly one of"},
    {"DiscoverUnknownClient",
     "duration: 5\nsegments: [a]\nexpect:\n  - discover: P\n    client: nobody\n", 5,
     "unknown host 'nobody'"},
    {"DiscoverBeyondDuration",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {discover: P, "
     "client: c, at: 3, within: 4}\n",
     6, "exceeds duration"},
    {"CounterBadOp",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    processes:\n      - "
     "command: [x]\n"
     "expect:\n  - counter: captured\n    process: h\n    op: '=~'\n    value: 1\n",
     11, "op must be"},
    {"EmptyLogText",
     "duration: 5\nsegments: [a]\nhosts:\n  - name: h\n    segments: [a]\n    processes:\n      - "
     "command: [x]\n"
     "expect:\n  - log: ''\n    process: h\n",
     9, "log text is empty"},
    {"MaxCopiesUnknownSegment",
     "duration: 5\nsegments: [a]\nexpect:\n  - max_copies: 1\n    segment: q\n", 5,
     "unknown segment 'q'"},
};

TEST(ScenarioLoader, LoadsADeliveryWithDefaultsAndEveryKey) {
  Scenario sc = parse_scenario(R"(duration: 20
segments: [a, b]
routers: [{name: r, segments: [a, b]}]
hosts:
  - name: relay
    segments: [a]
    processes: [{command: [snowsignal]}]
  - {name: c, segments: [a]}
  - {name: s, segments: [b]}
expect:
  - {deliver: 200, from: c, to: "${s}:6000", receiver: s}
  - deliver: 1000
    from: c
    to: 239.1.2.3:5076
    receiver: s
    port: 7000
    group: 239.1.2.3
    size: 1337
    rate: 5000
    at: 2
    within: 8
    idle: 0.5
    linger: 0
    min_delivered: 990
    max_duplicates: 3
    keep_source: false
    send_args: [--ttl, "4"]
    recv_args: [--reuse]
    cpu: [relay]
    counters: [relay]
    after_previous: true
)",
                               "d.yaml");
  ASSERT_EQ(sc.expectations.size(), 2u);
  const auto& a = sc.expectations[0];
  EXPECT_EQ(a.kind, ExpectKind::deliver);
  EXPECT_EQ(a.deliver.count, 200);
  EXPECT_EQ(a.deliver.to, "${s}:6000") << "substituted when run";
  EXPECT_EQ(a.deliver.port, 6000) << "the receiver binds the destination port by default";
  EXPECT_EQ(a.deliver.size, 100);
  EXPECT_EQ(a.deliver.min_delivered, -1);
  EXPECT_TRUE(a.deliver.keep_source);
  EXPECT_EQ(*a.at, 0);
  const auto& b = sc.expectations[1];
  EXPECT_EQ(b.deliver.port, 7000);
  EXPECT_EQ(b.deliver.group, "239.1.2.3");
  EXPECT_EQ(b.deliver.size, 1337);
  EXPECT_EQ(b.deliver.rate, 5000);
  EXPECT_EQ(b.within, 8);
  EXPECT_EQ(b.deliver.min_delivered, 990);
  EXPECT_EQ(b.deliver.max_duplicates, 3);
  EXPECT_FALSE(b.deliver.keep_source);
  EXPECT_EQ(b.deliver.send_args, (std::vector<std::string>{"--ttl", "4"}));
  EXPECT_EQ(b.deliver.cpu, (std::vector<std::string>{"relay"}));
  EXPECT_EQ(b.deliver.counters, (std::vector<std::string>{"relay"}));
  EXPECT_TRUE(b.deliver.after_previous);
  EXPECT_FALSE(a.deliver.after_previous);
}

const BadCase kBadDeliveries[] = {
    {"DeliverOutsideTheTestSpace",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - deliver: "
     "5\n    from: c\n    receiver: c\n    to: 8.8.8.8:53\n",
     9, "outside the test address space"},
    {"DeliverWithoutPort",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - deliver: "
     "5\n    from: c\n    receiver: c\n    to: 198.18.1.255\n",
     9, "expected ADDRESS:PORT"},
    {"DeliverWithoutReceiver",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {deliver: 5, "
     "from: c, to: '198.18.1.255:1'}\n",
     6, "needs receiver"},
    {"DeliverUnknownCpuProcess",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {deliver: 5, "
     "from: c, receiver: c, to: '198.18.1.255:1', cpu: [ghost]}\n",
     6, "unknown process 'ghost'"},
    {"DeliverAfterPreviousNotABoolean",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {deliver: 5, "
     "from: c, receiver: c, to: '198.18.1.255:1', after_previous: soon}\n",
     6, "after_previous must be true or false"},
    {"DeliverGroupNotMulticast",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {deliver: 5, "
     "from: c, receiver: c, to: '198.18.1.255:1', group: 198.18.1.9}\n",
     6, "not a multicast address"},
    {"DeliverUnknownKey",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n  - {deliver: 5, "
     "from: c, receiver: c, to: '198.18.1.255:1', sise: 3}\n",
     6, "unknown key 'sise'"},
};

INSTANTIATE_TEST_SUITE_P(DeliverErrors, ScenarioLoaderErrors, ::testing::ValuesIn(kBadDeliveries),
                         [](const ::testing::TestParamInfo<BadCase>& p) { return p.param.name; });

INSTANTIATE_TEST_SUITE_P(EveryError, ScenarioLoaderErrors, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(ScenarioLoader, MissingFileIsAScenarioError) {
  EXPECT_THROW(load_scenario_file("/nonexistent/netsim.yaml"), ScenarioError);
}

TEST(ScenarioLoader, EveryShippedScenarioLoads) {
  std::string dir = std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int n = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".yaml") continue;
    ++n;
    EXPECT_NO_THROW(load_scenario_file(dir + "/" + name)) << name;
  }
  closedir(d);
  EXPECT_GE(n, 6);
}

TEST(ScenarioLoader, DiscoverValueAndMonitorKeysLoad) {
  Scenario sc = parse_scenario(R"(
duration: 10
segments: [a]
hosts:
  - {name: c, segments: [a]}
  - {name: s, segments: [a]}
expect:
  - {discover: P, client: c, value: 42}
  - {monitor: P, client: c, from: s, at: 1, within: 5, min_updates: 3, min_reconnects: 1}
  - {monitor: Q, client: c}
)",
                               "m.yaml");
  ASSERT_EQ(sc.expectations.size(), 3u);
  EXPECT_EQ(sc.expectations[0].pv_value, 42.0);
  const auto& m = sc.expectations[1];
  EXPECT_EQ(m.kind, ExpectKind::monitor);
  EXPECT_EQ(m.server, "s");
  EXPECT_EQ(m.within, 5);
  EXPECT_EQ(m.min_updates, 3);
  EXPECT_EQ(m.min_reconnects, 1);
  EXPECT_EQ(*sc.expectations[2].at, 0) << "monitor runs at t=0 unless told";
  EXPECT_EQ(sc.expectations[2].min_updates, 2);
  EXPECT_TRUE(runs_pva_client(ExpectKind::monitor));
  EXPECT_FALSE(runs_pva_client(ExpectKind::counter));
}

TEST(ScenarioLoader, ValueIsForDiscoverAndMinUpdatesForMonitorOnly) {
  const char* base = "duration: 10\nsegments: [a]\nhosts:\n  - {name: c, segments: [a]}\nexpect:\n";
  EXPECT_THROW(
      parse_scenario(std::string(base) + "  - {no_discover: P, client: c, value: 1}\n", "x"),
      ScenarioError);
  EXPECT_THROW(
      parse_scenario(std::string(base) + "  - {discover: P, client: c, min_updates: 1}\n", "x"),
      ScenarioError);
  EXPECT_THROW(
      parse_scenario(std::string(base) + "  - {monitor: P, client: c, min_updates: 0}\n", "x"),
      ScenarioError);
  EXPECT_THROW(parse_scenario(std::string(base) + "  - {monitor: P, client: c, within: 20}\n", "x"),
               ScenarioError);
}

}  // namespace
}  // namespace netsim
