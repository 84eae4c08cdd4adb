// A relay on an IPv6-only interface (issue 20): it relays the IPv6 groups it is given
// and says at start what cannot work there (the IPv4 broadcast ports); given nothing
// that could work there, it refuses to start with one line.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

const std::string kGroup = "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173";

// Two IPv6-only segments and a router; each relay peers the other by its IPv6 address.
std::string ipv6_only_network(const std::string& name, const std::string& relay_args, bool starts) {
  const std::string ready = starts ? "        ready: \"relay ready:\"\n" : "";
  const std::string relay = "      - command: [sh, -c, \"" SNOWSIGNAL_EXE " -t eth0" + relay_args +
                            " --status-socket none --stats-file ${stats} --other-relays ";
  return "name: " + name + R"(
duration: 10
settle: 0
segments:
  - {name: a, ipv4: false, ipv6: true}   # 2001:db8:1::/64
  - {name: b, ipv4: false, ipv6: true}   # 2001:db8:2::/64
routers:
  - {name: router, segments: [a, b]}
hosts:
  - name: relay-a
    segments: [a]
    processes:
)" + relay +
         R"(${relay-b.v6}; echo relay exit $$?"]
)" + ready +
         R"(  - name: relay-b
    segments: [b]
    processes:
)" + relay +
         R"(${relay-a.v6}; echo relay exit $$?"]
)" + ready +
         R"(  - {name: client, segments: [a]}
  - {name: server, segments: [b]}
)";
}

std::string delivery(const std::string& from, const std::string& to, double at,
                     const std::string& expect) {
  return "  - {deliver: 20, size: 64, from: " + from + ", to: \"[" + kGroup +
         "]:43113\", group: \"" + kGroup + "\", receiver: " + to +
         ", send_args: [--hop-limit, \"1\"], at: " + std::to_string(at) + ", within: 2" + expect +
         "}\n";
}

TEST(Ipv6OnlyInterface, ARelayThereCarriesAnIpv6GroupBothWaysAndSaysWhatCannotWork) {
  const auto run = run_generated_scenario(
      "ipv6-only",
      ipv6_only_network("ipv6-only", " --multicast [" + kGroup + "]:43113", true) +
          "expect:\n  - {log: \"relay ready: eth0\", process: relay-a, at: 0}\n"
          "  - {log: \"eth0 has no IPv4 address: relaying IPv6 groups only; IPv4 broadcast "
          "ports 5076 cannot be relayed here\", process: relay-a, at: 0}\n" +
          delivery("client", "server", 0.5, ", hop_limit: 1") +
          delivery("server", "client", 3, ", hop_limit: 1"));
  expect_all_pass(run);
}

TEST(Ipv6OnlyInterface, NegativeControlWithoutAnIpv6GroupTheRelayRefusesWithOneLine) {
  const auto run = run_generated_scenario(
      "ipv6-only-control",
      ipv6_only_network("ipv6-only-control", "", false) +
          "expect:\n  - {log: \"relay exit 2\", process: relay-a, at: 1}\n"
          "  - {log: \"has no IPv4 address, and no IPv6 group is configured\", process: "
          "relay-a, at: 1}\n" +
          delivery("client", "server", 1, ", max_delivered: 0"));
  expect_all_pass(run);
}

}  // namespace
}  // namespace integration
