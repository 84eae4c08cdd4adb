// IPv6 mesh peers (issue 9, part 2) on netsim: relays that reach each other only over
// IPv6 relay IPv4 discovery and an IPv6 multicast group, with the same network peered
// by IPv4 as the negative control; and a three-relay mesh whose hub has an IPv4-only
// and an IPv6-only peer (and an IPv6 address without a relay, reported unreachable
// through ICMPv6).
#include <gtest/gtest.h>

#include "support/scenario_run.h"

namespace integration {
namespace {

TEST(Ipv6Mesh, RelaysThatReachEachOtherOnlyOverIpv6CarryAnIpv4SearchAndAnIpv6Multicast) {
  const auto run = run_scenario(scenario_file("integration/ipv6-transit.yaml"));
  expect_all_pass(run);
  // Each relay knows the other by its IPv6 address on the transit, and heard from it
  // there: the mesh datagram came in over IPv6 and was recognised by that address.
  const auto b = read_json(run.stats("relay-b"));
  EXPECT_EQ(b.at("peers"), nlohmann::json::array({"2001:db8:31::10"})) << b.dump();
  EXPECT_EQ(b.at("peer_health").at("2001:db8:31::10").at("state"), "up") << b.dump();
  EXPECT_GE(b.at("mesh_received").get<int>(), 1) << b.dump();
  EXPECT_EQ(b.at("dropped").at("unknown_peer"), 0) << b.dump();
  // The server answered the client itself, over r4: the relays kept its IPv4 source.
  const auto server = read_json(run.stats("server"));
  bool from_client = false;
  for (const auto& source : server.at("search_sources")) {
    from_client = from_client || source.get<std::string>().rfind("198.18.1.10:", 0) == 0;
  }
  EXPECT_TRUE(from_client) << server.dump();
}

TEST(Ipv6Mesh, NegativeControlTheSameNetworkPeeredByIpv4DoesNotDiscover) {
  const auto run = run_scenario(scenario_file("integration/ipv6-transit-ipv4-peers.yaml"));
  expect_all_pass_with_no_discover(run);
}

TEST(Ipv6Mesh, AMeshWithAnIpv4OnlyAndAnIpv6OnlyPeerRelaysBothWaysAndIcmpv6MarksADeadPeer) {
  const auto run = run_scenario(scenario_file("integration/mixed-family-mesh.yaml"));
  expect_all_pass(run);
  // The hub holds one peer of each family, both heard from, IPv4 shown dotted.
  const auto b = read_json(run.stats("relay-b"));
  EXPECT_EQ(b.at("peers"),
            nlohmann::json::array({"198.18.1.2", "2001:db8:34::11", "2001:db8:34::12"}))
      << b.dump();
  EXPECT_EQ(b.at("peer_health").at("198.18.1.2").at("state"), "up") << b.dump();
  EXPECT_EQ(b.at("peer_health").at("2001:db8:34::11").at("state"), "up") << b.dump();
  // The IPv6 address where no relay runs: the ICMPv6 error reached the error queue.
  const auto& dead = b.at("peer_health").at("2001:db8:34::12");
  EXPECT_EQ(dead.at("state"), "unreachable") << b.dump();
  EXPECT_EQ(dead.at("reason"), "ICMPv6 port unreachable") << b.dump();
  EXPECT_GE(dead.at("icmp_errors").get<int>(), 1) << b.dump();
  const auto c = read_json(run.stats("relay-c"));
  EXPECT_EQ(c.at("peer_health").at("2001:db8:34::10").at("state"), "up") << c.dump();
}

}  // namespace
}  // namespace integration
