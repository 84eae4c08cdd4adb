// PVA on the relay's own host (issue 20, item 2): a server and a client in the relay's
// own namespace, on its capture interface, as with Docker's `network_mode: host` or a
// Kubernetes DaemonSet with `hostNetwork: true`. With host-local (the default) the
// server is found from the other segment and the client finds the other segment's
// server, and the python-can group crosses both ways; each datagram still appears
// once per segment (our re-broadcasts are never taken for local traffic). The control
// is SnowSignal's rule (--host-local off): none of it crosses.
#include <gtest/gtest.h>

#include "support/scenario_run.h"

namespace integration {
namespace {

std::string relay(const std::string& peer, bool host_local) {
  return std::string(
             "      - command: [snowsignal, -t, eth0, --multicast, \"239.74.163.2:43113\", "
             "--host-local, ") +
         (host_local ? "\"on\"" : "\"off\"") + ", --stats-file, \"${stats}\", --other-relays, \"${" +
         peer + "}\"]\n        ready: \"relay ready:\"\n";
}

std::string scenario(bool host_local) {
  std::string yaml = two_segment_network(host_local ? "host-local" : "host-local-off");
  yaml += "  - name: relay-a\n    segments: [{segment: a, address: 198.18.1.2}]\n"
          "    processes:\n" +
          relay("relay-b", host_local) +
          R"(      - name: ioc-a
        command: [pva-server, --pv, "HOSTA:PV=7", --beacon-interval, "0"]
        ready: "pva-server ready:"
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
)" + relay("relay-a", host_local) +
          R"(  - name: server-b
    segments: [b]
    processes:
      - command: [pva-server, --pv, "B:PV=3", --beacon-interval, "0"]
        ready: "pva-server ready:"
  - {name: client-b, segments: [b]}
expect:
)";
  if (host_local) {
    yaml += R"(  - {discover: HOSTA:PV, from: relay-a, client: client-b, value: 7, within: 3}
  - {discover: B:PV, from: server-b, client: relay-a, value: 3, within: 3}
  - {deliver: 20, size: 64, from: relay-a, to: "239.74.163.2:43113", group: 239.74.163.2,
     receiver: client-b, send_args: [--ttl, "1"], ttl: 1, at: 0.5, within: 2}
  - {deliver: 20, size: 64, from: client-b, to: "239.74.163.2:43113", group: 239.74.163.2,
     receiver: relay-a, send_args: [--ttl, "1"], at: 0.5, after_previous: true, within: 2}
  - {max_copies: 1, segment: a, min_datagrams: 2}
  - {max_copies: 1, segment: b, min_datagrams: 2}
)";
  } else {
    yaml += R"(  - {no_discover: HOSTA:PV, client: client-b, within: 2}
  - {no_discover: B:PV, client: relay-a, within: 2}
  - {deliver: 20, size: 64, from: relay-a, to: "239.74.163.2:43113", group: 239.74.163.2,
     receiver: client-b, send_args: [--ttl, "1"], max_delivered: 0, at: 0.5, within: 1}
  - {deliver: 20, size: 64, from: client-b, to: "239.74.163.2:43113", group: 239.74.163.2,
     receiver: relay-a, send_args: [--ttl, "1"], max_delivered: 0, at: 0.5,
     after_previous: true, within: 1}
)";
  }
  return yaml;
}

TEST(HostLocal, PvaAndMulticastOnTheRelaysOwnHostCrossBothWaysOncePerSegment) {
  const auto run = run_generated_scenario("host-local", scenario(true));
  expect_all_pass(run);
  const auto stats = read_json(run.stats("relay-a"));
  // The searches and datagrams of this host's own processes were relayed...
  EXPECT_GE(stats.at("local_captured"), 21) << stats.dump();
  // ...the other segment's reached them...
  EXPECT_GE(stats.at("local_delivered"), 21) << stats.dump();
  // ...and our own re-broadcasts, which keep their foreign sources, never came back
  // in as local traffic (max_copies above: once per segment).
}

TEST(HostLocal, NegativeControlWithSnowSignalsOwnMacRuleNothingOnTheRelayHostCrosses) {
  const auto run = run_generated_scenario("host-local-off", scenario(false));
  expect_all_pass_with_no_discover(run);
  const auto stats = read_json(run.stats("relay-a"));
  EXPECT_EQ(stats.at("local_captured"), 0) << stats.dump();
  EXPECT_EQ(stats.at("local_delivered"), 0) << stats.dump();
}

}  // namespace
}  // namespace integration
