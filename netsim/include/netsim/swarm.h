// Docker Swarm in the scenario model (issue 19): the constants of Docker's overlay
// driver, the task addresses and MACs it would give, and the embedded-DNS stand-in
// (one dnsmasq per task on 127.0.0.11, answering tasks.<service>). Pure: what to build
// and what to answer, not how (topology/overlay_builder, run/swarm_runtime).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "netsim/ipv4.h"
#include "netsim/scenario.h"

namespace netsim {

// VXLAN's IANA port (RFC 7348, section 5), the one Docker uses by default.
inline constexpr std::uint16_t kVxlanPort = 4789;
// Docker's overlay driver numbers its networks' VNIs from 4096 (vxlanIDStart).
inline constexpr std::uint32_t kFirstVni = 4096;
// VNIs are 24 bits (RFC 7348, section 5).
inline constexpr std::uint32_t kMaxVni = (1u << 24) - 1;
// A 1500-byte underlay minus VXLAN's 50 bytes (outer IPv4 20, UDP 8, VXLAN 8, inner
// Ethernet 14): Docker's default overlay MTU. RFC 7348 section 4.3: VTEPs must not
// fragment VXLAN packets, so an overlay MTU above it is refused.
inline constexpr int kOverlayMtu = 1450;
inline constexpr int kMinOverlayMtu = 576;
// Where a container's resolver finds Docker's embedded DNS.
inline constexpr const char* kSwarmDnsAddress = "127.0.0.11";
// The hosts file the stand-ins answer from, in the logs directory.
inline constexpr const char* kSwarmDnsHostsFile = "swarm-dns.hosts";
// The stand-in's log line once it answers (dnsmasq's own).
inline constexpr const char* kSwarmDnsReady = "started, version";

// The MAC Docker gives a task's interface: 02:42 and the four bytes of its IPv4
// address (libnetwork's GenerateMACFromIP), so every node can compute every other
// task's MAC from its address, as the overlay driver's static entries do.
std::string task_mac(Ipv4 address);

// The default subnet of overlay number n (1-based): 198.19.n.0/24, the upper half of
// 198.18.0.0/15, apart from the segments' default 198.18.n.0/24.
Subnet default_overlay_subnet(std::uint32_t n);

// Name of the DNS stand-in process of a task ("dns@TASK": '@' is not allowed in names
// a scenario gives, so it never collides).
std::string swarm_dns_process(const std::string& task);
// dnsmasq answering from hosts_file on 127.0.0.11 in the task's netns, nothing cached,
// no upstream: a name it does not hold is not found, as in Docker for a name that is
// neither a task nor a service.
std::vector<std::string> swarm_dns_command(const std::string& hosts_file);
// The resolver every task gets, as Docker writes it for user-defined networks.
std::string swarm_resolv_conf();
// The hosts file the stand-ins answer from: one "ADDRESS tasks.SERVICE" line per
// overlay address of every task that is up, in declaration order.
std::string swarm_dns_hosts(const Scenario& scenario,
                            const std::function<bool(const Host&)>& task_up);

// The address a rescheduled task gets on an overlay: Swarm's allocator hands out
// addresses serially, so a new task never takes one just released; the first free
// address above `highest_given`, wrapping around to .2 when the subnet is used up.
// `in_use`: addresses tasks hold now. Throws std::runtime_error when none is free.
Ipv4 next_task_address(const Subnet& overlay, Ipv4 highest_given, const std::set<Ipv4>& in_use);

}  // namespace netsim
