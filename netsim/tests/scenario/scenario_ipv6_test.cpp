// The IPv6 address plan: segment keys, allocation, routes, default gateways per family,
// ${host.v6} variables and the errors, each naming its line.
#include <gtest/gtest.h>

#include "netsim/scenario_loader.h"
#include "netsim/substitution.h"

namespace netsim {
namespace {

// a: both families, prefix by segment number; b: explicit prefixes; w: IPv6 only.
// relay: first segment IPv6-only (w), then a: its IPv4 default must come from a.
const char* kDual = R"(name: dual
duration: 5
segments:
  - {name: a, ipv6: true}
  - {name: b, subnet: 198.18.9.0/24, subnet6: "2001:db8:b::/64"}
  - {name: w, ipv4: false, ipv6: true}
  - c
routers:
  - {name: r4, segments: [a, b]}
  - name: r6
    segments: [w, c]
    routes:
      - {to: "2001:db8:1::/64", via: "2001:db8:3::10"}
      - {to: 198.18.1.0/24, via: 198.18.4.2}
hosts:
  - name: relay
    segments: [w, {segment: a, address: 198.18.1.2, address6: "2001:db8:1::2"}]
    processes:
      - command: [x, "${relay.v6}", "${relay.a}", "${relay.a.v6}", "${relay.eth1.v6}", "${peer}"]
  - {name: peer, segments: [a, b]}
  - {name: old, segments: [c]}
)";

TEST(ScenarioIpv6, SegmentsGetPrefixesByNumberOrExplicitlyAndStayIpv4OnlyByDefault) {
  Scenario sc = parse_scenario(kDual, "dual.yaml");
  const Segment* a = sc.find_segment("a");
  EXPECT_TRUE(a->ipv4);
  EXPECT_EQ(to_string(a->subnet), "198.18.1.0/24");
  ASSERT_TRUE(a->subnet6);
  EXPECT_EQ(to_string(*a->subnet6), "2001:db8:1::/64");
  EXPECT_EQ(to_string(*sc.find_segment("b")->subnet6), "2001:db8:b::/64");
  const Segment* w = sc.find_segment("w");
  EXPECT_FALSE(w->ipv4);
  EXPECT_EQ(to_string(*w->subnet6), "2001:db8:3::/64");
  const Segment* c = sc.find_segment("c");
  EXPECT_TRUE(c->ipv4);
  EXPECT_EQ(to_string(c->subnet), "198.18.4.0/24") << "numbering by position is unchanged";
  EXPECT_FALSE(c->subnet6) << "a segment without IPv6 keys stays IPv4-only";
}

TEST(ScenarioIpv6, AllocatesRoutersFromColonColon1AndHostsFromColonColon10) {
  Scenario sc = parse_scenario(kDual, "dual.yaml");
  const Host* r4 = sc.find_host("r4");
  EXPECT_EQ(to_string(*r4->links[0].address6), "2001:db8:1::1");
  EXPECT_EQ(to_string(*r4->links[1].address6), "2001:db8:b::1");
  const Host* r6 = sc.find_host("r6");
  EXPECT_EQ(to_string(*r6->links[0].address6), "2001:db8:3::1");
  EXPECT_FALSE(r6->links[0].ipv4);
  EXPECT_FALSE(r6->links[1].address6) << "c has no IPv6";
  const Host* relay = sc.find_host("relay");
  EXPECT_EQ(to_string(*relay->links[0].address6), "2001:db8:3::10");
  EXPECT_EQ(to_string(*relay->links[1].address6), "2001:db8:1::2");
  EXPECT_EQ(to_string(relay->links[1].address), "198.18.1.2");
  const Host* peer = sc.find_host("peer");
  EXPECT_EQ(to_string(*peer->links[0].address6), "2001:db8:1::10");
  EXPECT_EQ(to_string(peer->links[0].address), "198.18.1.10");
}

TEST(ScenarioIpv6, AllocationCountsInHexAroundExplicitAddresses) {
  std::string yaml =
      "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n"
      "  - {name: x, segments: [{segment: a, address6: \"2001:db8:1::11\"}]}\n";
  for (int i = 0; i < 10; ++i) yaml += "  - {name: h" + std::to_string(i) + ", segments: [a]}\n";
  Scenario sc = parse_scenario(yaml, "t.yaml");
  EXPECT_EQ(to_string(*sc.find_host("h0")->links[0].address6), "2001:db8:1::10");
  EXPECT_EQ(to_string(*sc.find_host("h1")->links[0].address6), "2001:db8:1::12");
  EXPECT_EQ(to_string(*sc.find_host("h8")->links[0].address6), "2001:db8:1::19");
  EXPECT_EQ(to_string(*sc.find_host("h9")->links[0].address6), "2001:db8:1::1a");
}

TEST(ScenarioIpv6, DefaultGatewaysAreChosenPerFamily) {
  Scenario sc = parse_scenario(kDual, "dual.yaml");
  const Host& relay = *sc.find_host("relay");
  ASSERT_TRUE(sc.default_gateway6(relay));
  EXPECT_EQ(to_string(*sc.default_gateway6(relay)), "2001:db8:3::1") << "first segment: w";
  ASSERT_TRUE(sc.default_gateway(relay));
  EXPECT_EQ(to_string(*sc.default_gateway(relay)), "198.18.1.1")
      << "w has no IPv4 router, so the IPv4 default comes from a";
  EXPECT_EQ(to_string(*sc.default_gateway(*sc.find_host("old"))), "198.18.4.1");
  EXPECT_FALSE(sc.default_gateway6(*sc.find_host("old"))) << "c has no IPv6";
  EXPECT_FALSE(sc.default_gateway(*sc.find_host("r6")));
  EXPECT_FALSE(sc.router_on("w")) << "an IPv6-only segment has no IPv4 router";
}

TEST(ScenarioIpv6, RoutesTakeEitherFamily) {
  Scenario sc = parse_scenario(kDual, "dual.yaml");
  const auto& routes = sc.find_host("r6")->routes;
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].to_text(), "2001:db8:1::/64");
  EXPECT_EQ(routes[0].via_text(), "2001:db8:3::10");
  EXPECT_EQ(routes[1].to_text(), "198.18.1.0/24");
  EXPECT_EQ(routes[1].via_text(), "198.18.4.2");
}

TEST(ScenarioIpv6, VariablesGiveIpv6AddressesAndRefuseAMissingFamily) {
  Scenario sc = parse_scenario(kDual, "dual.yaml");
  auto vars = run_variables(sc, "/l", "p");
  EXPECT_EQ(substitute("${relay.v6}", vars), "2001:db8:3::10");
  EXPECT_EQ(substitute("${relay.a.v6}", vars), "2001:db8:1::2");
  EXPECT_EQ(substitute("${relay.eth1.v6}", vars), "2001:db8:1::2");
  EXPECT_EQ(substitute("${relay.a}", vars), "198.18.1.2");
  EXPECT_EQ(substitute("[${peer.b.v6}]:5076", vars), "[2001:db8:b::10]:5076");
  EXPECT_THROW(substitute("${relay}", vars), SubstitutionError) << "eth0 is on IPv6-only w";
  EXPECT_THROW(substitute("${old.v6}", vars), SubstitutionError) << "c has no IPv6";
  EXPECT_THROW(substitute("${relay.z.v6}", vars), SubstitutionError);
}

TEST(ScenarioIpv6, DeliverTakesIpv6DestinationsGroupsAndHopLimit) {
  Scenario sc = parse_scenario(R"(duration: 5
segments: [{name: a, ipv6: true}]
hosts:
  - {name: c, segments: [a]}
  - {name: s, segments: [a]}
expect:
  - {deliver: 3, from: c, receiver: s, to: "[${s.v6}]:5076"}
  - deliver: 3
    from: c
    receiver: s
    to: "[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113"
    group: "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173"
    hop_limit: 1
    send_args: [--hop-limit, "1"]
)",
                               "t.yaml");
  EXPECT_EQ(sc.expectations[0].deliver.port, 5076);
  EXPECT_EQ(sc.expectations[0].deliver.ttl, -1);
  EXPECT_EQ(sc.expectations[1].deliver.port, 43113);
  EXPECT_EQ(sc.expectations[1].deliver.ttl, 1);
  EXPECT_EQ(sc.expectations[1].deliver.group, "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173");
}

struct Bad {
  const char* name;
  const char* yaml;
  int line;
  const char* message;
};

class ScenarioIpv6Errors : public ::testing::TestWithParam<Bad> {};

TEST_P(ScenarioIpv6Errors, NameTheLineAndTheCause) {
  const Bad& c = GetParam();
  try {
    parse_scenario(c.yaml, "bad.yaml");
    FAIL() << "accepted: " << c.yaml;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.where().line, c.line) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
  }
}

const Bad kBad[] = {
    {"PrefixOutsideDocumentationSpace",
     "duration: 5\nsegments:\n  - {name: a, subnet6: \"2001:db9::/64\"}\n", 3,
     "outside 2001:db8::/32"},
    {"PrefixWiderThanTheSpace", "duration: 5\nsegments:\n  - {name: a, subnet6: \"2001::/16\"}\n",
     3, "outside 2001:db8::/32"},
    {"UniqueLocalPrefix", "duration: 5\nsegments:\n  - {name: a, subnet6: \"fd00::/64\"}\n", 3,
     "outside 2001:db8::/32"},
    {"PrefixWithHostBits", "duration: 5\nsegments:\n  - {name: a, subnet6: \"2001:db8::1/64\"}\n",
     3, "not an IPv6 prefix"},
    {"PrefixTooSmall", "duration: 5\nsegments:\n  - {name: a, subnet6: \"2001:db8::/124\"}\n", 3,
     "too small"},
    {"OverlappingPrefixes",
     "duration: 5\nsegments:\n  - {name: a, subnet6: \"2001:db8::/44\"}\n  - {name: b, ipv6: "
     "true}\n",
     4, "overlaps segment 'a'"},
    {"NeitherFamily", "duration: 5\nsegments:\n  - {name: a, ipv4: false}\n", 3,
     "neither IPv4 nor IPv6"},
    {"Ipv4FalseWithSubnet",
     "duration: 5\nsegments:\n  - {name: a, ipv4: false, ipv6: true, subnet: 198.18.1.0/24}\n", 3,
     "ipv4: false contradicts subnet:"},
    {"Ipv6FalseWithSubnet6",
     "duration: 5\nsegments:\n  - {name: a, ipv6: false, subnet6: \"2001:db8::/64\"}\n", 3,
     "ipv6: false contradicts subnet6:"},
    {"Ipv6NotABoolean", "duration: 5\nsegments:\n  - {name: a, ipv6: yes please}\n", 3,
     "ipv6 must be true or false"},
    {"SegmentNamedV6", "duration: 5\nsegments: [v6]\n", 2, "reserved"},
    {"Address6OnIpv4OnlySegment",
     "duration: 5\nsegments: [a]\nhosts:\n  - {name: h, segments: [{segment: a, address6: "
     "\"2001:db8:1::5\"}]}\n",
     4, "has no IPv6"},
    {"AddressOnIpv6OnlySegment",
     "duration: 5\nsegments: [{name: a, ipv4: false, ipv6: true}]\nhosts:\n  - {name: h, "
     "segments: [{segment: a, address: 198.18.1.5}]}\n",
     4, "has no IPv4"},
    {"Address6OutsideItsSegment",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: h, segments: [{segment: "
     "a, address6: \"2001:db8:2::5\"}]}\n",
     4, "outside segment 'a'"},
    {"Address6OutsideTheSpace",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: h, segments: [{segment: "
     "a, address6: \"2001:db9::5\"}]}\n",
     4, "outside 2001:db8::/32"},
    {"Address6Anycast",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: h, segments: [{segment: "
     "a, address6: \"2001:db8:1::\"}]}\n",
     4, "anycast"},
    {"DuplicateAddress6",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: h, segments: [{segment: "
     "a, address6: \"2001:db8:1::5\"}]}\n  - {name: g, segments: [{segment: a, address6: "
     "\"2001:db8:1::5\"}]}\n",
     5, "used twice"},
    {"Route6ViaIpv4",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - name: h\n    segments: [a]\n    "
     "routes: [{to: \"2001:db8:9::/64\", via: 198.18.1.1}]\n",
     6, "not an IPv6 address"},
    {"Route6ViaOffSegment",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - name: h\n    segments: [a]\n    "
     "routes: [{to: \"2001:db8:9::/64\", via: \"2001:db8:7::1\"}]\n",
     6, "not on any segment"},
    {"Route6OutsideTheSpace",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - name: h\n    segments: [a]\n    "
     "routes: [{to: \"2001:db9::/64\", via: \"2001:db8:1::1\"}]\n",
     6, "outside 2001:db8::/32"},
    {"V4VariableOnIpv6OnlyInterface",
     "duration: 5\nsegments: [{name: a, ipv4: false, ipv6: true}]\nhosts:\n  - name: h\n    "
     "segments: [a]\n    processes: [{command: [x, \"${h}\"]}]\n",
     6, "has no IPv4 address"},
    {"DeliverGroupFamilyMismatch",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: c, segments: [a]}\n"
     "expect:\n  - {deliver: 5, from: c, receiver: c, to: '[ff15::1]:1', group: 239.1.1.1}\n",
     6, "not the same address family"},
    {"DeliverIpv6OutsideTheGuard",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: c, segments: [a]}\n"
     "expect:\n  - {deliver: 5, from: c, receiver: c, to: '[2001:db9::1]:1'}\n",
     6, "outside the test address space"},
    {"DeliverTtlAndHopLimit",
     "duration: 5\nsegments: [{name: a, ipv6: true}]\nhosts:\n  - {name: c, segments: [a]}\n"
     "expect:\n  - {deliver: 5, from: c, receiver: c, to: '[ff15::1]:1', ttl: 1, hop_limit: 1}\n",
     6, "give ttl: or hop_limit:"},
};

INSTANTIATE_TEST_SUITE_P(Ipv6, ScenarioIpv6Errors, ::testing::ValuesIn(kBad),
                         [](const ::testing::TestParamInfo<Bad>& p) { return p.param.name; });

}  // namespace
}  // namespace netsim
