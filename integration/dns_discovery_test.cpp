// Peer discovery through DNS against a real dnsmasq in netsim (issue 11): a name with
// several A records (a Kubernetes headless Service) in OTHER_RELAYS, and SERVICENAME
// (Docker Swarm's tasks.<service>). Relays find each other with no addresses given, and
// a relay that leaves (killed, and its record removed from DNS) is dropped within two
// refresh periods (2 x 10 s).
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/scenario_run.h"

namespace integration {
namespace {

bool have(const char* program) {
  return std::system(("command -v " + std::string(program) +
                      " >/dev/null 2>&1 || test -x /usr/sbin/" + program)
                         .c_str()) == 0;
}

// dnsmasq on 198.18.1.53 answers relays.test and tasks.relays.test with one A record per
// relay from a hosts file: all three relays at its first start, relay-c no more after a
// restart (as root: --group= keeps it from setgroups, which a rootless netsim denies).
// Its shell first bind-mounts a resolv.conf naming it over /etc/resolv.conf:
// that mount lives in netsim's private mount namespace, so only this run's processes see
// it and it vanishes with the run.
std::string scenario(bool remove_relay_c) {
  const std::string hosts_after = remove_relay_c ? "198.18.1.2 relays.test tasks.relays.test\\n"
                                                   "198.18.2.2 relays.test tasks.relays.test\\n"
                                                 : "198.18.1.2 relays.test tasks.relays.test\\n"
                                                   "198.18.2.2 relays.test tasks.relays.test\\n"
                                                   "198.18.3.2 relays.test tasks.relays.test\\n";
  return three_segment_network("dns-discovery", 40) + R"(  - name: dns
    segments: [{segment: a, address: 198.18.1.53}]
    processes:
      - command:
          - sh
          - -c
          - |
            set -e
            if [ ! -e ${logs}/resolv.conf ]; then
              printf 'nameserver 198.18.1.53\noptions timeout:1 attempts:2\n' > ${logs}/resolv.conf
              mount --bind ${logs}/resolv.conf /etc/resolv.conf
              printf '198.18.1.2 relays.test tasks.relays.test\n198.18.2.2 relays.test tasks.relays.test\n198.18.3.2 relays.test tasks.relays.test\n' > ${logs}/relays.hosts
            else
              printf ')" +
         hosts_after +
         R"(' > ${logs}/relays.hosts
            fi
            exec dnsmasq --keep-in-foreground --log-facility=- --no-resolv --no-hosts --user=root --group= --pid-file= --listen-address=198.18.1.53 --bind-interfaces --addn-hosts=${logs}/relays.hosts --local-ttl=0 --cache-size=0
        ready: "started, version"
  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, relays.test, --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
      - command: [env, SERVICENAME=relays.test, )" SNOWSIGNAL_EXE
         R"(, -t, eth0, --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: relay-c
    segments: [{segment: c, address: 198.18.3.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, relays.test, --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --beacon-interval, "0", --pv, "DNS:PV"]
        ready: "pva-server ready:"
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
timeline:
  - {at: 2, kill: relay-c}
  - {at: 2, restart: dns}
expect:
  - {counter: peers, process: relay-a, op: "==", value: 2, at: 1}
  - {counter: peers, process: relay-b, op: "==", value: 2, at: 1}
  - {discover: DNS:PV, from: server, client: client, within: 5, at: 0}
  - {counter: peers, process: relay-a, op: "==", value: 1, at: 22}
  - {counter: peers, process: relay-b, op: "==", value: 1, at: 22}
)";
}

TEST(DnsDiscovery, RelaysFindEachOtherByNameAndSERVICENAMEAndDropOneThatLeavesWithin20s) {
  if (!have("dnsmasq")) GTEST_SKIP() << "dnsmasq not installed (Debian package dnsmasq-base)";
  const auto run = run_generated_scenario("dns-discovery", scenario(true));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const auto a = read_json(run.stats("relay-a"));
  EXPECT_EQ(a["peers"], nlohmann::json::array({"198.18.2.2"}));
  const auto b = read_json(run.stats("relay-b"));
  EXPECT_EQ(b["peers"], nlohmann::json::array({"198.18.1.2"}));
  // The relays were given no address: the log shows where the peers came from.
  EXPECT_NE(read_text(run.log("relay-a")).find("peers: [198.18.2.2, 198.18.3.2]"),
            std::string::npos);
}

// Negative control: relay-c is killed but DNS still lists it: the relays keep sending to
// it, so the drop above is DNS re-resolution at work, not the kill.
TEST(DnsDiscovery, ARelayStillInDnsIsKeptAfterItDies) {
  if (!have("dnsmasq")) GTEST_SKIP() << "dnsmasq not installed (Debian package dnsmasq-base)";
  const auto run = run_generated_scenario("dns-discovery-control", scenario(false));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(read_json(run.stats("relay-a"))["peers"].size(), 2u) << run.summary();
  EXPECT_EQ(read_json(run.stats("relay-b"))["peers"].size(), 2u) << run.summary();
}

// IPv6 (issue 9): relays6.test and tasks.relays6.test have only AAAA records, one per
// relay, on segments with IPv6. relay-a takes the name, relay-b SERVICENAME; each must
// leave its own IPv6 address out and find the other's, and the search then crosses the
// IPv6 mesh. Without AAAA lookups neither name resolves (relay-a exits at start).
std::string aaaa_scenario() {
  return R"(name: dns-discovery-aaaa
duration: 20
settle: 0
segments:
  - {name: a, subnet: 198.18.1.0/24, subnet6: "2001:db8:1::/64"}
  - {name: b, subnet: 198.18.2.0/24, subnet6: "2001:db8:2::/64"}
routers:
  - {name: router, segments: [a, b]}
hosts:
  - name: dns
    segments: [{segment: a, address: 198.18.1.53}]
    processes:
      - command:
          - sh
          - -c
          - |
            set -e
            printf 'nameserver 198.18.1.53\noptions timeout:1 attempts:2\n' > ${logs}/resolv.conf
            mount --bind ${logs}/resolv.conf /etc/resolv.conf
            printf '2001:db8:1::2 relays6.test tasks.relays6.test\n2001:db8:2::2 relays6.test tasks.relays6.test\n' > ${logs}/relays.hosts
            exec dnsmasq --keep-in-foreground --log-facility=- --no-resolv --no-hosts --user=root --group= --pid-file= --listen-address=198.18.1.53 --bind-interfaces --addn-hosts=${logs}/relays.hosts --local-ttl=0 --cache-size=0
        ready: "started, version"
  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2, address6: "2001:db8:1::2"}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, relays6.test, --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2, address6: "2001:db8:2::2"}]
    processes:
      - command: [env, SERVICENAME=relays6.test, )" SNOWSIGNAL_EXE
         R"(, -t, eth0, --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --beacon-interval, "0", --pv, "DNS6:PV"]
        ready: "pva-server ready:"
  - {name: client, segments: [a]}
expect:
  - {discover: DNS6:PV, from: server, client: client, within: 5, at: 0}
)";
}

TEST(DnsDiscovery, NamesAndSERVICENAMEWithAaaaRecordsGiveIpv6PeersMinusOurOwn) {
  if (!have("dnsmasq")) GTEST_SKIP() << "dnsmasq not installed (Debian package dnsmasq-base)";
  const auto run = run_generated_scenario("dns-discovery-aaaa", aaaa_scenario());
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const auto a = read_json(run.stats("relay-a"));
  EXPECT_EQ(a["peers"], nlohmann::json::array({"2001:db8:2::2"})) << a.dump();
  const auto b = read_json(run.stats("relay-b"));
  EXPECT_EQ(b["peers"], nlohmann::json::array({"2001:db8:1::2"})) << b.dump();
  EXPECT_EQ(b["peer_health"]["2001:db8:1::2"]["state"], "up") << b.dump();
}

}  // namespace
}  // namespace integration
