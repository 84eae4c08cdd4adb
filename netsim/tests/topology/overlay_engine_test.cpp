// Swarm overlays against the real kernel (issue 19), each run in a private world of its
// own (unprivileged too): both engines build the same VXLAN devices, bridges, FDB and
// neighbour entries, the way Docker's overlay driver makes them; unicast crosses nodes
// while broadcast stays on its node (and crosses with flood: true); a moved task is
// forgotten by every node and found at its new one; teardown leaves nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "in_private_world.h"
#include "netsim/namespaces.h"
#include "netsim/scenario_loader.h"
#include "netsim/topology.h"

namespace netsim {
namespace {

// Three nodes; t1 and t3 on node1, t2 on node2, nobody on node3 (its overlay is built
// all the same). `flood` only on the second overlay; t3 is on both.
const char* kSwarm = R"(
name: overlay-engine
duration: 5
segments:
  - {name: u, subnet: 198.18.0.0/24}
nodes:
  - {name: node1, segments: [{segment: u, address: 198.18.0.11}]}
  - {name: node2, segments: [{segment: u, address: 198.18.0.12}]}
  - {name: node3, segments: [{segment: u, address: 198.18.0.13}]}
overlays:
  - {name: quiet, subnet: 198.19.1.0/24}
  - {name: loud, subnet: 198.19.2.0/24, flood: true, mtu: 1400}
hosts:
  - {name: t1, node: node1, segments: [quiet, loud]}
  - {name: t2, node: node2, segments: [quiet, loud]}
  - {name: t3, node: node1, segments: [quiet]}
)";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    while (!l.empty() && l.back() == ' ') l.pop_back();  // ip neigh ends lines with one
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

// The tokens of `ip -d link show` that say what a VXLAN device is: the rest (its own
// random MAC, ifindex, netns ids) differs from run to run.
std::string vxlan_facts(const std::string& ip, const std::string& dev) {
  const std::string text = run_command(-1, {ip, "-d", "link", "show", "dev", dev}).output;
  std::istringstream words(text);
  std::vector<std::string> w;
  for (std::string s; words >> s;) w.push_back(s);
  std::string out = dev;
  for (std::size_t i = 0; i < w.size(); ++i) {
    for (const char* key : {"mtu", "master", "id", "local", "dstport"})
      if (w[i] == key && i + 1 < w.size()) out += std::string(" ") + key + " " + w[i + 1];
    for (const char* flag : {"nolearning", "proxy"})
      if (w[i] == flag) out += std::string(" ") + flag;
    // The device's UDP socket is in another netns (the node's) than the device.
    if (w[i] == "link-netnsid") out += " link-netns";
  }
  return out + "\n";
}

// What the world holds for the overlays, one fact a line, sorted.
std::string describe_overlays(const Scenario& sc, const Topology& topo) {
  const std::string ip = find_tool("ip"), bridge = find_tool("bridge");
  std::vector<std::string> facts;
  for (const auto& seg : sc.segments) {
    if (!seg.overlay) continue;
    for (const Host* node : sc.swarm_nodes()) {
      const std::string br = topo.overlay_bridge(seg.name, node->name);
      const std::string vx = "nsvx" + br.substr(4);
      facts.push_back(seg.name + "@" + node->name + " " + vxlan_facts(ip, vx));
      for (auto l : lines_of(run_command(-1, {bridge, "fdb", "show", "dev", vx}).output)) {
        if (l.find(" dst ") == std::string::npos) continue;
        // Which netns id the kernel gave the node's netns is the kernel's business.
        if (auto at = l.find(" link-netnsid "); at != std::string::npos)
          l.erase(at, l.find(' ', at + 14) - at);
        facts.push_back(vx + " fdb " + l + "\n");
      }
      for (const auto& l : lines_of(run_command(-1, {ip, "neigh", "show", "dev", vx}).output))
        facts.push_back(vx + " neigh " + l + "\n");
      for (const auto& l : lines_of(run_command(-1, {ip, "link", "show", "dev", br}).output))
        if (l.find("mtu") != std::string::npos)
          facts.push_back(br + l.substr(l.find(" mtu "), 9) + "\n");
    }
  }
  for (const auto& h : sc.hosts) {
    if (!h.is_task()) continue;
    for (const auto& l : h.links) {
      const auto out = run_command(topo.netns_fd(h.name), {ip, "-o", "addr", "show", l.ifname});
      const auto link = run_command(topo.netns_fd(h.name), {ip, "-o", "link", "show", l.ifname});
      std::istringstream a(out.output), k(link.output);
      std::vector<std::string> aw, kw;
      for (std::string s; a >> s;) aw.push_back(s);
      for (std::string s; k >> s;) kw.push_back(s);
      std::string fact = h.name + " " + l.ifname;
      for (std::size_t i = 0; i + 1 < aw.size(); ++i)
        if (aw[i] == "inet") fact += " inet " + aw[i + 1];
      for (std::size_t i = 0; i + 1 < kw.size(); ++i)
        if (kw[i] == "mtu" || kw[i] == "link/ether") fact += " " + kw[i] + " " + kw[i + 1];
      facts.push_back(fact + "\n");
    }
  }
  std::sort(facts.begin(), facts.end());
  std::string out;
  for (const auto& f : facts) out += f;
  return out;
}

long last_pid() {
  long v = -1;
  FILE* f = fopen("/proc/sys/kernel/ns_last_pid", "r");
  if (f) {
    if (fscanf(f, "%ld", &v) != 1) v = -1;
    fclose(f);
  }
  return v;
}

// Builds, describes, moves t2 from node2 to node3 (new quiet address .9, loud .9),
// describes again, tears down, and says what is left.
std::string build_move_and_describe(EngineKind engine) {
  return in_private_world([engine] {
    Scenario sc = parse_scenario(kSwarm, "overlay-engine.yaml");
    Topology topo(sc, engine);
    const long before = last_pid();
    topo.build();
    const long processes = last_pid() - before;
    std::string out = describe_overlays(sc, topo);
    topo.move_task("t2", "node3", {*parse_ipv4("198.19.1.9"), *parse_ipv4("198.19.2.9")});
    sc.find_host("t2")->on_node = "node3";
    sc.find_host("t2")->links[0].address = *parse_ipv4("198.19.1.9");
    sc.find_host("t2")->links[1].address = *parse_ipv4("198.19.2.9");
    out += "after move\n" + describe_overlays(sc, topo);
    const auto sum = topo.teardown();
    out += "processes " + std::to_string(processes) + "\n";
    out += "teardown problems " + std::to_string(sum.problems.size()) + " released " +
           std::to_string(sum.anchors_stopped) + "\n";
    out += "left " + run_command(-1, {find_tool("ip"), "-o", "link", "show"}).output;
    return out;
  });
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(OverlayEngine, NetlinkBuildsAndMovesWhatTheIpEngineDoes) {
  const std::string ip = build_move_and_describe(EngineKind::ip);
  const std::string nl = build_move_and_describe(EngineKind::netlink);
  ASSERT_EQ(ip.rfind("ERROR", 0), std::string::npos) << ip;
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  auto facts = [](const std::string& s) { return s.substr(0, s.find("processes ")); };
  EXPECT_EQ(facts(nl), facts(ip));
  EXPECT_TRUE(has(nl, "processes 0")) << nl;
}

TEST(OverlayEngine, EachNodeHasAVxlanDeviceAsDockersOverlayDriverMakesIt) {
  const std::string nl = build_move_and_describe(EngineKind::netlink);
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  const std::string built = nl.substr(0, nl.find("after move"));
  // VNI 4096 (Docker's first) and 4097, port 4789, the node's address, learning off,
  // ARP proxy on, the socket in another netns than the device, joined to the bridge.
  EXPECT_TRUE(has(built,
                  "quiet@node1 nsvx1n1 mtu 1450 master nsob1n1 link-netns id 4096 local "
                  "198.18.0.11 dstport 4789 nolearning proxy"))
      << built;
  EXPECT_TRUE(has(built,
                  "loud@node3 nsvx2n3 mtu 1400 master nsob2n3 link-netns id 4097 local "
                  "198.18.0.13 dstport 4789 nolearning proxy"))
      << built;
  EXPECT_TRUE(has(built, "nsob1n2 mtu 1450")) << built;
  // Tasks: Docker's MAC from the address, the overlay's MTU, .2 upwards.
  EXPECT_TRUE(has(built, "t1 eth0 inet 198.19.1.2/24 mtu 1450 link/ether 02:42:c6:13:01:02"))
      << built;
  EXPECT_TRUE(has(built, "t2 eth1 inet 198.19.2.3/24 mtu 1400 link/ether 02:42:c6:13:02:03"))
      << built;
  // Node2 knows t1 and t3 are behind node1; node1 knows t2 is behind node2 and has no
  // entry for its own tasks.
  EXPECT_TRUE(has(built, "nsvx1n2 fdb 02:42:c6:13:01:02 dst 198.18.0.11 self permanent")) << built;
  EXPECT_TRUE(has(built, "nsvx1n2 fdb 02:42:c6:13:01:04 dst 198.18.0.11 self permanent")) << built;
  EXPECT_TRUE(has(built, "nsvx1n2 neigh 198.19.1.4 lladdr 02:42:c6:13:01:04 PERMANENT")) << built;
  EXPECT_TRUE(has(built, "nsvx1n1 fdb 02:42:c6:13:01:03 dst 198.18.0.12 self permanent")) << built;
  EXPECT_EQ(built.find("nsvx1n1 fdb 02:42:c6:13:01:02"), std::string::npos) << built;
  // No flooding entry on the quiet overlay; one per other node on the loud one.
  EXPECT_EQ(built.find("nsvx1n1 fdb 00:00:00:00:00:00"), std::string::npos) << built;
  EXPECT_TRUE(has(built, "nsvx2n1 fdb 00:00:00:00:00:00 dst 198.18.0.12 self permanent")) << built;
  EXPECT_TRUE(has(built, "nsvx2n1 fdb 00:00:00:00:00:00 dst 198.18.0.13 self permanent")) << built;
}

TEST(OverlayEngine, AMovedTaskIsForgottenByEveryNodeAndFoundAtItsNewOne) {
  const std::string nl = build_move_and_describe(EngineKind::netlink);
  ASSERT_EQ(nl.rfind("ERROR", 0), std::string::npos) << nl;
  const std::string moved = nl.substr(nl.find("after move"));
  EXPECT_EQ(moved.find("02:42:c6:13:01:03"), std::string::npos) << "old MAC gone: " << moved;
  EXPECT_EQ(moved.find("198.19.1.3 "), std::string::npos) << "old address gone: " << moved;
  EXPECT_TRUE(has(moved, "nsvx1n1 fdb 02:42:c6:13:01:09 dst 198.18.0.13 self permanent")) << moved;
  EXPECT_TRUE(has(moved, "nsvx1n2 neigh 198.19.1.9 lladdr 02:42:c6:13:01:09 PERMANENT")) << moved;
  EXPECT_EQ(moved.find("nsvx1n3 fdb 02:42:c6:13:01:09"), std::string::npos) << moved;
  EXPECT_TRUE(has(moved, "t2 eth0 inet 198.19.1.9/24 mtu 1450 link/ether 02:42:c6:13:01:09"))
      << moved;
  // Teardown: every namespace released, no link of ours left in the world.
  EXPECT_TRUE(has(nl, "teardown problems 0 released 6")) << nl;
  const std::string left = nl.substr(nl.find("left "));
  EXPECT_EQ(left.find("nsob"), std::string::npos) << left;
  EXPECT_EQ(left.find("nsvx"), std::string::npos) << left;
  EXPECT_EQ(left.find("nsv"), std::string::npos) << left;
}

// A UDP socket bound to port inside a host's netns (a socket keeps the netns it was
// made in).
int udp_socket_in(int netns_fd, int port) {
  int world = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (setns(netns_fd, CLONE_NEWNET) != 0) return -1;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  setns(world, CLONE_NEWNET);
  close(world);
  return fd;
}

// Sends `size` bytes from one socket and says how many bytes arrived at each receiver
// within wait_ms (0: nothing).
std::string send_and_count(int from, const char* to, int port, std::size_t size,
                           const std::vector<std::pair<std::string, int>>& receivers, int wait_ms) {
  sockaddr_in d{};
  d.sin_family = AF_INET;
  d.sin_port = htons(static_cast<uint16_t>(port));
  d.sin_addr.s_addr = htonl(parse_ipv4(to)->value);
  std::vector<char> payload(size, 'x');
  if (sendto(from, payload.data(), size, 0, reinterpret_cast<sockaddr*>(&d), sizeof d) < 0)
    return std::string("send to ") + to + " failed\n";
  std::string out;
  for (const auto& [name, fd] : receivers) {
    pollfd p{fd, POLLIN, 0};
    std::vector<char> buf(65536);
    ssize_t n = poll(&p, 1, wait_ms) == 1 ? recv(fd, buf.data(), buf.size(), 0) : 0;
    out += std::string(to) + " " + std::to_string(size) + " -> " + name + " " + std::to_string(n) +
           "\n";
  }
  return out;
}

TEST(OverlayDatapath, UnicastCrossesNodesBroadcastStaysOnItsNodeUnlessTheOverlayFloods) {
  const std::string out = in_private_world([] {
    Scenario sc = parse_scenario(kSwarm, "overlay-engine.yaml");
    Topology topo(sc, EngineKind::netlink);
    topo.build();
    const int t1 = udp_socket_in(topo.netns_fd("t1"), 6000);
    const int t2 = udp_socket_in(topo.netns_fd("t2"), 6000);
    const int t3 = udp_socket_in(topo.netns_fd("t3"), 6000);
    std::string r;
    // Unicast to another node, small and larger than the MTU (IP-fragmented at 1450,
    // each fragment in its own VXLAN packet, reassembled at t2).
    r += send_and_count(t1, "198.19.1.3", 6000, 100, {{"t2", t2}}, 2000);
    r += send_and_count(t1, "198.19.1.3", 6000, 3000, {{"t2", t2}}, 2000);
    // Broadcast on the quiet overlay: t3 (same node) gets it, t2 (node2) does not.
    r += send_and_count(t1, "198.19.1.255", 6000, 100, {{"t3", t3}}, 2000);
    r += send_and_count(t1, "198.19.1.255", 6000, 100, {{"t2", t2}}, 500);
    // On the flooding overlay it reaches node2.
    r += send_and_count(t1, "198.19.2.255", 6000, 100, {{"t2", t2}}, 2000);
    topo.teardown();
    return r;
  });
  ASSERT_EQ(out.rfind("ERROR", 0), std::string::npos) << out;
  EXPECT_TRUE(has(out, "198.19.1.3 100 -> t2 100")) << out;
  EXPECT_TRUE(has(out, "198.19.1.3 3000 -> t2 3000")) << out;
  EXPECT_TRUE(has(out, "198.19.1.255 100 -> t3 100")) << out;
  EXPECT_TRUE(has(out, "198.19.1.255 100 -> t2 0")) << out;
  EXPECT_TRUE(has(out, "198.19.2.255 100 -> t2 100")) << out;
}

}  // namespace
}  // namespace netsim
