// The topology engines against the real kernel, each in a private world of its own
// (a forked child enters user+net+mount+pid namespaces, as netsim run does), so the
// test needs no privileges and leaves nothing behind. The child reports what it saw as
// text through a pipe; the assertions run here.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "in_private_world.h"
#include "netsim/link_engine.h"
#include "netsim/private_world.h"
#include "netsim/scenario_loader.h"
#include "netsim/topology.h"
#include "netsim/topology_bench.h"

namespace netsim {
namespace {

// Two segments joined by a router; an extra static route on one host.
const char* kScenario = R"(
name: engine-test
duration: 5
segments:
  - {name: a, subnet: 198.18.1.0/24}
  - {name: b, subnet: 198.18.2.0/24}
routers:
  - {name: r, segments: [a, b]}
hosts:
  - name: h1
    segments: [{segment: a, address: 198.18.1.2}]
    routes:
      - {to: 198.18.9.0/24, via: 198.18.1.1}
  - {name: h2, segments: [b]}
expect:
  - {max_copies: 1, segment: a}
)";

long last_pid() {
  std::ifstream f("/proc/sys/kernel/ns_last_pid");
  long v = -1;
  f >> v;
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// What the kernel holds in the current netns, one fact a line, names sorted by the
// kernel's order (creation order, identical for both engines).
std::string describe_current_netns(const std::string& label) {
  std::ostringstream o;
  int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifaddrs* ifas = nullptr;
  getifaddrs(&ifas);
  for (ifaddrs* i = ifas; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN] = "-";
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, a, sizeof a);
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr, m, sizeof m);
    if (i->ifa_broadaddr && (i->ifa_flags & IFF_BROADCAST))
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_broadaddr)->sin_addr, b, sizeof b);
    o << label << " " << i->ifa_name << " inet " << a << " mask " << m << " brd " << b << "\n";
  }
  freeifaddrs(ifas);
  struct if_nameindex* names = if_nameindex();
  for (struct if_nameindex* n = names; n && n->if_index; ++n) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, n->if_name, IFNAMSIZ - 1);
    ioctl(sock, SIOCGIFFLAGS, &ifr);
    o << label << " " << n->if_name << ((ifr.ifr_flags & IFF_UP) ? " up" : " down");
    ethtool_value v{ETHTOOL_GTXCSUM, 0};
    ifr.ifr_data = reinterpret_cast<char*>(&v);
    if (ioctl(sock, SIOCETHTOOL, &ifr) == 0) o << " tx-checksum " << (v.data ? "on" : "off");
    o << "\n";
  }
  if_freenameindex(names);
  close(sock);
  std::ifstream routes("/proc/thread-self/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) o << label << " route " << line << "\n";
  o << label << " ip_forward " << slurp("/proc/sys/net/ipv4/ip_forward") << "\n";
  if (label != "world") {
    o << label << " eth0 forwarding " << slurp("/proc/sys/net/ipv4/conf/eth0/forwarding") << "\n";
    o << label << " rp_filter " << slurp("/proc/sys/net/ipv4/conf/all/rp_filter") << "\n";
  }
  return o.str();
}

// Builds the scenario with an engine and describes the world and every host netns,
// then tears down and says what is left.
std::string build_and_describe(EngineKind engine) {
  return in_private_world([engine] {
    Scenario sc = parse_scenario(kScenario, "engine-test.yaml");
    Topology topo(sc, engine);
    long before = last_pid();
    topo.build();
    long processes = last_pid() - before;
    std::string out = describe_current_netns("world");
    for (const auto& p : {"nsv1p0", "nsv1p1", "nsv2p0", "nsv3p0"}) {
      char target[256] = {};
      ssize_t n = readlink((std::string("/sys/class/net/") + p + "/master").c_str(), target,
                           sizeof target - 1);
      std::string master = n > 0 ? std::string(target, static_cast<size_t>(n)) : "none";
      out += std::string("world ") + p + " master " + master.substr(master.rfind('/') + 1) + "\n";
    }
    int world = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    for (const auto& h : sc.hosts) {
      if (setns(topo.netns_fd(h.name), CLONE_NEWNET) != 0) return std::string("ERROR: setns");
      out += describe_current_netns(h.name);
      setns(world, CLONE_NEWNET);
    }
    close(world);
    auto sum = topo.teardown();
    out += "processes " + std::to_string(processes) + "\n";
    out += "teardown links " + std::to_string(sum.links_deleted) + " anchors " +
           std::to_string(sum.anchors_stopped) + " problems " +
           std::to_string(sum.problems.size()) + "\n";
    out += "after teardown nsbr1 " + std::to_string(if_nametoindex("nsbr1")) + " nsv1p0 " +
           std::to_string(if_nametoindex("nsv1p0")) + "\n";
    return out;
  });
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(TopologyEngine, NetlinkBuildsWhatTheIpEngineBuilds) {
  std::string ip = build_and_describe(EngineKind::ip);
  std::string nl = build_and_describe(EngineKind::netlink);
  ASSERT_EQ(ip.rfind("ERROR", 0), std::string::npos) << ip;
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  // Everything but the process count must be the same.
  auto without_processes = [](std::string s) {
    auto p = s.find("processes ");
    return s.erase(p, s.find('\n', p) - p);
  };
  EXPECT_EQ(without_processes(nl), without_processes(ip));
}

TEST(TopologyEngine, NetlinkBuildsTheScenarioAndTearsItDown) {
  std::string nl = build_and_describe(EngineKind::netlink);
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  EXPECT_TRUE(has(nl, "world nsbr1 up tx-checksum on")) << nl;
  EXPECT_TRUE(has(nl, "world nsv1p0 up tx-checksum off")) << nl;
  EXPECT_TRUE(has(nl, "world nsv1p0 master nsbr1")) << nl;
  EXPECT_TRUE(has(nl, "world nsv3p0 master nsbr2")) << nl;
  EXPECT_TRUE(has(nl, "r eth1 inet 198.18.2.1 mask 255.255.255.0 brd 198.18.2.255")) << nl;
  EXPECT_TRUE(has(nl, "r eth0 up tx-checksum off")) << nl;
  EXPECT_TRUE(has(nl, "r lo up tx-checksum on")) << nl;
  EXPECT_TRUE(has(nl, "r ip_forward 1")) << nl;
  EXPECT_TRUE(has(nl, "h1 ip_forward 0")) << nl;
  EXPECT_TRUE(has(nl, "h1 eth0 inet 198.18.1.2 mask 255.255.255.0 brd 198.18.1.255")) << nl;
  // /proc/net/route: default via 198.18.1.1 (0101 12C6 little-endian), and 198.18.9.0/24.
  EXPECT_NE(nl.find("h1 route eth0\t00000000\t010112C6"), std::string::npos) << nl;
  EXPECT_NE(nl.find("h1 route eth0\t000912C6\t010112C6"), std::string::npos) << nl;
  EXPECT_NE(nl.find("h2 route eth0\t00000000\t010212C6"), std::string::npos) << nl;
  // 2 bridges + 4 veths deleted, 3 namespaces released, nothing left.
  EXPECT_TRUE(has(nl, "teardown links 6 anchors 3 problems 0")) << nl;
  EXPECT_TRUE(has(nl, "after teardown nsbr1 0 nsv1p0 0")) << nl;
}

// The machine's own settings, changed for the length of one test and put back (root in
// the machine's user namespace only: nothing else may write them).
class MachineSysctl {
 public:
  MachineSysctl(std::string path, const std::string& value) : path_(std::move(path)) {
    old_ = slurp(path_.c_str());
    std::ofstream(path_) << value;
  }
  ~MachineSysctl() { std::ofstream(path_) << old_; }

 private:
  std::string path_;
  std::string old_;
};

bool root_of_the_machine() {
  // In the initial user namespace the uid map is the whole range.
  return geteuid() == 0 && slurp("/proc/self/uid_map").find("4294967295") != std::string::npos;
}

// A Docker host forwards (ip_forward=1) and some distributions filter reverse paths
// strictly; a new namespace inherits both for IPv4. netsim writes what it depends on,
// so hosts still do not forward and routers do, with either engine.
TEST(TopologyEngine, HostsDoNotForwardEvenWhereTheMachineDoes) {
  if (!root_of_the_machine()) GTEST_SKIP() << "needs root of the machine to set its ip_forward";
  const MachineSysctl forward("/proc/sys/net/ipv4/ip_forward", "1");
  const MachineSysctl filter("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
  ASSERT_EQ(slurp("/proc/sys/net/ipv4/ip_forward"), "1");
  for (EngineKind engine : {EngineKind::netlink, EngineKind::ip}) {
    const std::string out = build_and_describe(engine);
    ASSERT_EQ(out.rfind("ERROR", 0), std::string::npos) << out;
    EXPECT_TRUE(has(out, "h1 ip_forward 0")) << out;
    EXPECT_TRUE(has(out, "h1 eth0 forwarding 0")) << out;
    EXPECT_TRUE(has(out, "h2 ip_forward 0")) << out;
    EXPECT_TRUE(has(out, "h1 rp_filter 0")) << out;
    EXPECT_TRUE(has(out, "r ip_forward 1")) << out;
    EXPECT_TRUE(has(out, "r eth0 forwarding 1")) << out;
  }
}

TEST(TopologyEngine, NetlinkMakesNoProcessAtAll) {
  // Namespaces are held by open fds and no step forks or execs; the ip engine runs a
  // process per step and holds each namespace with an anchor process.
  std::string nl = build_and_describe(EngineKind::netlink);
  std::string ip = build_and_describe(EngineKind::ip);
  EXPECT_TRUE(has(nl, "processes 0")) << nl;
  EXPECT_FALSE(has(ip, "processes 0")) << ip;
}

// A step the kernel refuses names the step, the namespace and the kernel's reason.
std::string failing_steps(EngineKind engine) {
  return in_private_world([engine] {
    auto e = make_link_engine(engine);
    std::string out;
    e->add_bridge("nsbrdup");
    try {
      e->add_bridge("nsbrdup");
      out += "duplicate accepted\n";
    } catch (const std::exception& ex) {
      out += std::string(ex.what()) + "\n";
    }
    try {
      e->add_route(Netns{}, "198.18.9.0/24", "198.18.77.1");
      out += "unreachable gateway accepted\n";
    } catch (const std::exception& ex) {
      out += std::string(ex.what()) + "\n";
    }
    try {
      e->set_link_up(Netns{}, "nosuchlink", true);
      out += "missing link accepted\n";
    } catch (const std::exception& ex) {
      out += std::string(ex.what()) + "\n";
    }
    return out;
  });
}

TEST(TopologyEngine, NetlinkErrorsNameTheStepAndTheKernelsReason) {
  std::string nl = failing_steps(EngineKind::netlink);
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  EXPECT_NE(nl.find("world: link add nsbrdup type bridge stp_state 0 forward_delay 0: File exists"),
            std::string::npos)
      << nl;
  // The kernel's extended-ack text comes along when it gives one.
  EXPECT_NE(nl.find("world: route add 198.18.9.0/24 via 198.18.77.1: Network is unreachable "
                    "(Nexthop has invalid gateway)"),
            std::string::npos)
      << nl;
  EXPECT_NE(nl.find("world: link set nosuchlink up: No such device"), std::string::npos) << nl;
}

TEST(TopologyEngine, IpEngineErrorsNameTheStepAndTheKernelsReason) {
  std::string ip = failing_steps(EngineKind::ip);
  ASSERT_EQ(ip.rfind("ERROR", 0), std::string::npos) << ip;
  EXPECT_NE(ip.find("link add nsbrdup type bridge"), std::string::npos) << ip;
  EXPECT_NE(ip.find("File exists"), std::string::npos) << ip;
  EXPECT_NE(ip.find("route add 198.18.9.0/24 via 198.18.77.1"), std::string::npos) << ip;
  EXPECT_NE(ip.find("Nexthop has invalid gateway"), std::string::npos) << ip;
}

TEST(TopologyBench, BuildsAndTearsDownTheGeneratedTopologyWithEachEngine) {
  for (EngineKind engine : {EngineKind::netlink, EngineKind::ip}) {
    std::string out = in_private_world([engine] {
      BenchRow r = bench_topology(3, engine);
      return std::to_string(r.hosts) + " hosts " + std::to_string(r.links) + " links " +
             std::to_string(r.processes) + " processes";
    });
    // 3 segments: a router on all and a host on each; 3 bridges + 6 veths.
    if (engine == EngineKind::netlink)
      EXPECT_EQ(out, "4 hosts 9 links 0 processes");
    else
      EXPECT_EQ(out.rfind("4 hosts 9 links ", 0), 0u) << out;
  }
}

TEST(TopologyBench, RefusesSegmentCountsOutsideTheAddressPlan) {
  EXPECT_THROW(bench_scenario_yaml(0), std::invalid_argument);
  EXPECT_THROW(bench_scenario_yaml(251), std::invalid_argument);
  EXPECT_THROW(bench_swarm_yaml(0), std::invalid_argument);
  EXPECT_THROW(bench_swarm_yaml(101), std::invalid_argument);
}

TEST(TopologyBench, BuildsAndTearsDownAGeneratedSwarmWithEachEngine) {
  for (EngineKind engine : {EngineKind::netlink, EngineKind::ip}) {
    std::string out = in_private_world([engine] {
      BenchRow r = bench_swarm(3, engine);  // throws when teardown leaves anything
      return std::to_string(r.hosts) + " hosts " + std::to_string(r.processes) + " processes";
    });
    // 3 nodes and two tasks on each; the netlink engine forks nothing.
    if (engine == EngineKind::netlink)
      EXPECT_EQ(out, "9 hosts 0 processes");
    else
      EXPECT_EQ(out.rfind("9 hosts ", 0), 0u) << out;
  }
}

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(TopologyEngine, NetlinkTakesIpv6AddressesAndRoutesThroughTheSameCalls) {
  // The engine call itself, without a scenario: IPv6 goes through the same calls.
  std::string out = in_private_world([] {
    auto e = make_link_engine(EngineKind::netlink);
    Netns host = e->add_netns("h");
    e->add_veth("v6w", "eth0", host);
    e->set_link_up(Netns{}, "v6w", true);
    e->set_link_up(host, "eth0", true);
    e->add_address(Netns{}, "v6w", "2001:db8::1/64", "");
    e->add_route(Netns{}, "2001:db8:9::/48", "2001:db8::2");
    std::string text =
        read_all("/proc/thread-self/net/if_inet6") + read_all("/proc/thread-self/net/ipv6_route");
    e->release_netns(host);
    return text;
  });
  ASSERT_EQ(out.rfind("ERROR", 0), std::string::npos) << out;
  EXPECT_NE(out.find("20010db8000000000000000000000001"), std::string::npos) << out;
  // 2001:db8:9::/48 via 2001:db8::2
  EXPECT_NE(out.find("20010db8000900000000000000000000 30 00000000000000000000000000000000 00 "
                     "20010db8000000000000000000000002"),
            std::string::npos)
      << out;
}

// a: both families; w: IPv6 only. h's first segment is w, so its IPv6 default goes via
// r on w and its IPv4 default via r on a.
const char* kIpv6Scenario = R"(
name: engine-ipv6
duration: 5
segments:
  - {name: a, ipv6: true}
  - {name: w, ipv4: false, ipv6: true}
routers:
  - {name: r, segments: [a, w]}
hosts:
  - {name: h, segments: [w, a]}
)";

// The IPv6 facts of every host netns: addresses with their flags (if_inet6), routes
// with a gateway (ipv6_route), IPv4 routes, forwarding.
std::string build_and_describe_ipv6(EngineKind engine) {
  return in_private_world([engine] {
    Scenario sc = parse_scenario(kIpv6Scenario, "engine-ipv6.yaml");
    Topology topo(sc, engine);
    topo.build();
    std::string out;
    int world = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    for (const auto& h : sc.hosts) {
      if (setns(topo.netns_fd(h.name), CLONE_NEWNET) != 0) return std::string("ERROR: setns");
      std::istringstream addrs(read_all("/proc/thread-self/net/if_inet6"));
      for (std::string line; std::getline(addrs, line);) {
        std::istringstream f(line);
        std::string addr, index, prefix, scope, flags, name;
        f >> addr >> index >> prefix >> scope >> flags >> name;
        // The link-local address's interface id comes from a random MAC: keep its prefix.
        if (addr.rfind("fe80", 0) == 0) addr = "fe80::/64";
        out += h.name + " " + name + " inet6 " + addr + "/" + prefix + " flags " + flags + "\n";
      }
      std::istringstream routes(read_all("/proc/thread-self/net/ipv6_route"));
      for (std::string line; std::getline(routes, line);) {
        std::istringstream f(line);
        std::string dst, dst_len, src, src_len, via, metric, refs, use, flags, dev;
        f >> dst >> dst_len >> src >> src_len >> via >> metric >> refs >> use >> flags >> dev;
        if (via != std::string(32, '0'))
          out += h.name + " route6 " + dst + "/" + dst_len + " via " + via + " dev " + dev + "\n";
      }
      std::istringstream routes4(read_all("/proc/thread-self/net/route"));
      std::string line;
      std::getline(routes4, line);
      while (std::getline(routes4, line)) out += h.name + " route " + line + "\n";
      out += h.name + " forwarding6 " + slurp("/proc/sys/net/ipv6/conf/all/forwarding") + "\n";
      setns(world, CLONE_NEWNET);
    }
    close(world);
    topo.teardown();
    // if_inet6 lists addresses in hash order: sort, so both engines compare line by line.
    std::istringstream in(out);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string sorted;
    for (const auto& l : lines) sorted += l + "\n";
    return sorted;
  });
}

TEST(TopologyEngine, Ipv6IsUsableAtOnceWithEitherEngineAndRoutedPerFamily) {
  if (access("/proc/sys/net/ipv6", F_OK) != 0) GTEST_SKIP() << "kernel without IPv6";
  std::string ip = build_and_describe_ipv6(EngineKind::ip);
  std::string nl = build_and_describe_ipv6(EngineKind::netlink);
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  ASSERT_EQ(ip.rfind("ERROR", 0), std::string::npos) << ip;
  EXPECT_EQ(nl, ip) << "both engines build the same IPv6 state";
  // Addresses in place right after build(), none tentative (IFA_F_TENTATIVE 0x40):
  // ours with IFA_F_NODAD|IFA_F_PERMANENT (0x82), the kernel's fe80:: too (accept_dad=0).
  EXPECT_TRUE(has(nl, "h eth0 inet6 20010db8000200000000000000000010/40 flags 82")) << nl;
  EXPECT_TRUE(has(nl, "h eth1 inet6 20010db8000100000000000000000010/40 flags 82")) << nl;
  EXPECT_TRUE(has(nl, "r eth1 inet6 20010db8000200000000000000000001/40 flags 82")) << nl;
  EXPECT_TRUE(has(nl, "h eth0 inet6 fe80::/64/40 flags 80")) << nl;
  EXPECT_EQ(nl.find("flags c"), std::string::npos) << nl;
  EXPECT_EQ(nl.find("flags 4"), std::string::npos) << nl;
  // IPv6 default via r on w (first segment), IPv4 default via r on a (w has no IPv4).
  EXPECT_NE(nl.find("h route6 00000000000000000000000000000000/00 via "
                    "20010db8000200000000000000000001 dev eth0"),
            std::string::npos)
      << nl;
  EXPECT_NE(nl.find("h route eth1\t00000000\t010112C6"), std::string::npos) << nl;
  EXPECT_TRUE(has(nl, "r forwarding6 1")) << nl;
  EXPECT_TRUE(has(nl, "h forwarding6 0")) << nl;
}

TEST(TopologyEngine, StepTextNamesTheNamespaceByItsProcessOrItsHost) {
  // ip needs a pid; the netlink engine's namespaces have no process, so -v and errors
  // name the host instead.
  EXPECT_EQ(steps::text(steps::add_veth("nsv1p0", "eth0", Netns{5, "h1", 42, 0})),
            "link add nsv1p0 type veth peer name eth0 netns 42");
  EXPECT_EQ(steps::text(steps::add_veth("nsv1p0", "eth0", Netns{5, "h1", -1, 0})),
            "link add nsv1p0 type veth peer name eth0 netns h1");
}

TEST(TopologyEngine, EngineIsChosenByNameOrEnvironment) {
  EXPECT_EQ(parse_engine("ip"), EngineKind::ip);
  EXPECT_EQ(parse_engine("netlink"), EngineKind::netlink);
  EXPECT_THROW(parse_engine("iproute"), std::invalid_argument);
  unsetenv("NETSIM_ENGINE");
  EXPECT_EQ(engine_from_environment(), EngineKind::netlink) << "netlink is the default";
  setenv("NETSIM_ENGINE", "ip", 1);
  EXPECT_EQ(engine_from_environment(), EngineKind::ip);
  unsetenv("NETSIM_ENGINE");
}

}  // namespace
}  // namespace netsim
