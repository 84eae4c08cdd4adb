#include "netsim/topology.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "netsim/link_engine.h"

namespace netsim {

namespace {
// Upper bound for IPv6 addresses to leave the tentative state (DAD is off, so it takes
// microseconds; with DAD it would take a second or more).
constexpr double kIpv6ReadySeconds = 3;
// Linux interface names are at most 15 characters; indices keep them unique.
std::string bridge_name(std::size_t index) {
  return "nsbr" + std::to_string(index + 1);
}
std::string port_name(std::size_t host_index, std::size_t link_index) {
  return "nsv" + std::to_string(host_index + 1) + "p" + std::to_string(link_index);
}
}  // namespace

Topology::Topology(const Scenario& scenario, EngineKind engine)
    : sc_(scenario), engine_(make_link_engine(engine)), overlays_(scenario, *engine_) {}

Topology::~Topology() {
  if (!netns_.empty() || !world_links_.empty()) teardown();
}

Netns Topology::netns_of(const std::string& host) const {
  return netns_.at(host);
}

void Topology::build() {
  spdlog::debug("topology engine: {}", to_string(engine_->kind()));
  engine_->set_link_up(Netns{}, "lo", true);
  for (std::size_t i = 0; i < sc_.segments.size(); ++i) {
    const auto& seg = sc_.segments[i];
    if (seg.overlay) continue;  // one bridge per node, made by the OverlayBuilder
    std::string br = bridge_name(i);
    engine_->add_bridge(br);
    world_links_.push_back(br);
    bridges_[seg.name] = br;
    engine_->set_link_up(Netns{}, br, true);
    spdlog::debug("segment {}: bridge {} ({}{})", seg.name, br,
                  seg.ipv4 ? to_string(seg.subnet) : "no IPv4",
                  seg.subnet6 ? ", " + to_string(*seg.subnet6) : "");
  }
  for (std::size_t h = 0; h < sc_.hosts.size(); ++h) {
    const Host& host = sc_.hosts[h];
    const Netns ns = netns_[host.name] = engine_->add_netns(host.name);
    engine_->set_link_up(ns, "lo", true);
    const bool ipv6 = std::any_of(host.links.begin(), host.links.end(),
                                  [](const Attachment& l) { return l.address6.has_value(); });
    write_emulation_sysctls(ns, host.router, ipv6);
    if (ipv6) {
      // Before the veths exist, so they inherit it: no duplicate address detection, not
      // even for the kernel's own fe80:: address (MLD reports need one that is not
      // tentative). With nodad on our addresses, IPv6 works the moment the link is up.
      engine_->write_sysctl(ns, "/proc/sys/net/ipv6/conf/default/accept_dad", "0");
      engine_->write_sysctl(ns, "/proc/sys/net/ipv6/conf/all/accept_dad", "0");
    }
    for (std::size_t l = 0; l < host.links.size(); ++l) {
      const Attachment& link = host.links[l];
      if (host.is_task()) break;  // a task's links are all on overlays: attached below
      std::string port = port_name(h, l);
      // Create the pair with the host end already inside the host's netns, named ethN.
      engine_->add_veth(port, link.ifname, ns);
      world_links_.push_back(port);
      ports_[host.name + "." + link.ifname] = port;
      engine_->set_master(port, bridges_.at(link.segment));
      engine_->set_link_up(Netns{}, port, true);
      // Both ends compute their own checksums, as a real NIC's frames on a wire have.
      engine_->disable_tx_checksum_offload(Netns{}, port);
      engine_->disable_tx_checksum_offload(ns, link.ifname);
      const Segment* seg = sc_.find_segment(link.segment);
      if (link.ipv4)
        engine_->add_address(ns, link.ifname,
                             to_string(link.address) + "/" + std::to_string(seg->subnet.prefix),
                             to_string(seg->subnet.broadcast()));
      if (link.address6)
        engine_->add_address(ns, link.ifname,
                             to_string(*link.address6) + "/" + std::to_string(seg->subnet6->prefix),
                             "");
      engine_->set_link_up(ns, link.ifname, true);
    }
    if (!host.router) add_default_routes(host, ns);
    for (const auto& r : host.routes) engine_->add_route(ns, r.to_text(), r.via_text());
    spdlog::debug("{} {}: netns {}", host.router ? "router" : "host", host.name, ns.inode);
  }
  // Overlays once every namespace exists: the nodes' underlay addresses are the VXLAN
  // endpoints, the tasks' namespaces receive the veths.
  overlays_.build(
      netns_,
      [this](const Host& h, std::size_t l) {
        return port_name(static_cast<std::size_t>(&h - sc_.hosts.data()), l);
      },
      world_links_, ports_);
  // Readiness, observed: no IPv6 address anywhere still tentative (the kernel's fe80::
  // ones settle a moment after link up even without DAD). Checked once all hosts are
  // built, so the waits overlap; normally nothing is left to wait for.
  for (const Host& host : sc_.hosts) {
    if (std::none_of(host.links.begin(), host.links.end(),
                     [](const Attachment& l) { return l.address6.has_value(); }))
      continue;
    try {
      wait_ipv6_addresses_ready(netns_.at(host.name).fd, kIpv6ReadySeconds);
    } catch (const std::exception& e) {
      throw std::runtime_error(host.name + ": " + e.what());
    }
  }
}

// One default route per family (Scenario::default_gateway*): a host whose first segment
// is IPv6-only takes its IPv4 default from a later segment, or has none.
// Every kernel setting the emulation depends on, written in each namespace rather than
// inherited. A new netns copies its IPv4 settings from the machine's own
// (net.core.devconf_inherit_init_net=0, the default), and every Docker host sets
// net.ipv4.ip_forward=1: inherited, every emulated host would forward like a router.
// Written before the host's links exist, so they take these values as their defaults.
void Topology::write_emulation_sysctls(const Netns& ns, bool router, bool ipv6) {
  const char* forward = router ? "1" : "0";
  // Routers forward unicast, hosts never do (both families).
  engine_->write_sysctl(ns, "/proc/sys/net/ipv4/ip_forward", forward);
  // A relayed datagram keeps its source from another segment; a host must accept it on
  // the link it arrived on (the kernel's own default; some distributions turn strict
  // reverse-path filtering on, which multi-homed hosts would then apply).
  engine_->write_sysctl(ns, "/proc/sys/net/ipv4/conf/all/rp_filter", "0");
  engine_->write_sysctl(ns, "/proc/sys/net/ipv4/conf/default/rp_filter", "0");
  // Peer health reads ICMP errors at the kernel's default rate: one per second per
  // destination (relay/README.md, Operations).
  engine_->write_sysctl(ns, "/proc/sys/net/ipv4/icmp_ratelimit", "1000");
  if (!ipv6) return;
  engine_->write_sysctl(ns, "/proc/sys/net/ipv6/conf/all/forwarding", forward);
  engine_->write_sysctl(ns, "/proc/sys/net/ipv6/conf/default/forwarding", forward);
  engine_->write_sysctl(ns, "/proc/sys/net/ipv6/icmp/ratelimit", "1000");
}

void Topology::add_default_routes(const Host& host, const Netns& ns) {
  if (auto gw = sc_.default_gateway(host)) engine_->add_route(ns, "default", to_string(*gw));
  if (auto gw = sc_.default_gateway6(host)) engine_->add_route(ns, "default", to_string(*gw));
}

TeardownSummary Topology::teardown() {
  TeardownSummary sum;
  // Deleting one end of a veth deletes both; the bridges go last.
  std::vector<std::string> links(world_links_.rbegin(), world_links_.rend());
  sum.links_deleted = engine_->delete_links(links, sum.problems);
  world_links_.clear();
  for (auto& [name, ns] : netns_)
    if (engine_->release_netns(ns)) ++sum.anchors_stopped;
  netns_.clear();
  return sum;
}

std::string Topology::overlay_bridge(const std::string& overlay, const std::string& node) const {
  return overlays_.bridge(overlay, node);
}

void Topology::move_task(const std::string& task, const std::string& node,
                         const std::vector<Ipv4>& addresses) {
  overlays_.move_task(task, node, addresses, netns_);
}

void Topology::set_link_up(const std::string& host, const std::string& ifname, bool up) const {
  engine_->set_link_up(netns_of(host), ifname, up);
}

int Topology::netns_fd(const std::string& host) const {
  return netns_.at(host).fd;
}
ino_t Topology::netns_inode(const std::string& host) const {
  return netns_.at(host).inode;
}
std::string Topology::bridge(const std::string& segment) const {
  return bridges_.at(segment);
}
std::string Topology::world_port(const std::string& host, const std::string& ifname) const {
  return ports_.at(host + "." + ifname);
}
}  // namespace netsim
