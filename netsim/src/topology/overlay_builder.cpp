#include "netsim/overlay_builder.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "netsim/swarm.h"

namespace netsim {

namespace {
// The all-zeros MAC: the VXLAN device's default destination for frames whose MAC it
// has no entry for (broadcast, multicast, unknown unicast). One entry per other node.
constexpr const char* kFloodMac = "00:00:00:00:00:00";

std::string key(const std::string& overlay, const std::string& node) {
  return overlay + "/" + node;
}
}  // namespace

OverlayBuilder::OverlayBuilder(const Scenario& scenario, LinkEngine& engine)
    : sc_(scenario), engine_(engine) {}

void OverlayBuilder::build(const std::map<std::string, Netns>& netns,
                           const std::function<std::string(const Host&, std::size_t)>& port_name,
                           std::vector<std::string>& world_links,
                           std::map<std::string, std::string>& ports) {
  const auto nodes = sc_.swarm_nodes();
  for (const Host* n : nodes) vteps_[n->name] = to_string(n->links.front().address);
  const Netns world;
  std::size_t o = 0;
  for (const auto& seg : sc_.segments) {
    if (!seg.overlay) continue;
    ++o;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      const Host& node = *nodes[k];
      // Linux interface names are at most 15 characters: numbers, not names.
      const std::string suffix = std::to_string(o) + "n" + std::to_string(k + 1);
      const std::string br = "nsob" + suffix, vx = "nsvx" + suffix;
      engine_.add_bridge(br);
      world_links.push_back(br);
      engine_.set_mtu(world, br, seg.overlay->mtu);
      engine_.add_vxlan(
          vx, VxlanSpec{seg.overlay->vni, vteps_.at(node.name), kVxlanPort, seg.overlay->mtu},
          netns.at(node.name));
      world_links.push_back(vx);
      engine_.set_master(vx, br);
      engine_.set_link_up(world, vx, true);
      engine_.set_link_up(world, br, true);
      bridges_[key(seg.name, node.name)] = br;
      vxlans_[key(seg.name, node.name)] = vx;
      spdlog::debug("overlay {} on {}: bridge {}, VXLAN {} (VNI {}, local {}, MTU {}{})", seg.name,
                    node.name, br, vx, seg.overlay->vni, vteps_.at(node.name), seg.overlay->mtu,
                    seg.overlay->flood ? ", flooding" : "");
    }
    if (!seg.overlay->flood) continue;
    for (const Host* n : nodes)
      for (const Host* other : nodes)
        if (other != n)
          engine_.add_fdb(vxlans_.at(key(seg.name, n->name)), kFloodMac, vteps_.at(other->name),
                          true);
  }
  for (const auto& h : sc_.hosts) {
    if (!h.is_task()) continue;
    Placement& p = tasks_[h.name];
    p.node = h.on_node;
    for (std::size_t l = 0; l < h.links.size(); ++l) {
      const Attachment& link = h.links[l];
      Interface iface{link.segment, link.ifname, port_name(h, l), task_mac(link.address),
                      link.address};
      attach(h, netns.at(h.name), iface, p.node);
      world_links.push_back(iface.port);
      ports[h.name + "." + link.ifname] = iface.port;
      p.interfaces.push_back(iface);
    }
  }
  for (const auto& [task, p] : tasks_) announce(p);
}

void OverlayBuilder::attach(const Host& task, const Netns& ns, Interface& iface,
                            const std::string& node) {
  const Netns world;
  const Segment& seg = *sc_.find_segment(iface.overlay);
  const int mtu = seg.overlay->mtu;
  engine_.add_veth(iface.port, iface.ifname, ns);
  engine_.set_mtu(world, iface.port, mtu);
  engine_.set_mtu(ns, iface.ifname, mtu);
  engine_.set_mac(ns, iface.ifname, iface.mac);
  engine_.set_master(iface.port, bridges_.at(key(iface.overlay, node)));
  engine_.set_link_up(world, iface.port, true);
  // Real checksums on the wire, as for every other veth (topology.cpp).
  engine_.disable_tx_checksum_offload(world, iface.port);
  engine_.disable_tx_checksum_offload(ns, iface.ifname);
  engine_.add_address(ns, iface.ifname,
                      to_string(iface.address) + "/" + std::to_string(seg.subnet.prefix),
                      to_string(seg.subnet.broadcast()));
  engine_.set_link_up(ns, iface.ifname, true);
  spdlog::debug("task {} on {}: {} {} {} on overlay {}", task.name, node, iface.ifname,
                to_string(iface.address), iface.mac, iface.overlay);
}

void OverlayBuilder::announce(const Placement& p) {
  for (const auto& iface : p.interfaces)
    for (const Host* n : sc_.swarm_nodes()) {
      if (n->name == p.node) continue;
      const std::string& vx = vxlans_.at(key(iface.overlay, n->name));
      engine_.add_fdb(vx, iface.mac, vteps_.at(p.node), false);
      engine_.add_neighbour(vx, to_string(iface.address), iface.mac);
    }
}

void OverlayBuilder::withdraw(const Placement& p) {
  for (const auto& iface : p.interfaces)
    for (const Host* n : sc_.swarm_nodes()) {
      if (n->name == p.node) continue;
      const std::string& vx = vxlans_.at(key(iface.overlay, n->name));
      engine_.del_neighbour(vx, to_string(iface.address));
      engine_.del_fdb(vx, iface.mac, vteps_.at(p.node));
    }
}

void OverlayBuilder::move_task(const std::string& task, const std::string& node,
                               const std::vector<Ipv4>& addresses,
                               const std::map<std::string, Netns>& netns) {
  Placement& p = tasks_.at(task);
  if (addresses.size() != p.interfaces.size())
    throw std::logic_error("move_task: one address per overlay interface");
  withdraw(p);
  for (const auto& iface : p.interfaces) engine_.delete_link(iface.port);
  p.node = node;
  const Host& host = *sc_.find_host(task);
  for (std::size_t i = 0; i < p.interfaces.size(); ++i) {
    Interface& iface = p.interfaces[i];
    iface.address = addresses[i];
    iface.mac = task_mac(addresses[i]);
    attach(host, netns.at(task), iface, node);
  }
  announce(p);
}

std::string OverlayBuilder::bridge(const std::string& overlay, const std::string& node) const {
  auto it = bridges_.find(key(overlay, node));
  return it == bridges_.end() ? "" : it->second;
}

std::string OverlayBuilder::node_of(const std::string& task) const {
  return tasks_.at(task).node;
}

}  // namespace netsim
