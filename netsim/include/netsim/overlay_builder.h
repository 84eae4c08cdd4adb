// Docker Swarm overlay networks, built the way Docker's overlay driver builds them
// (libnetwork drivers/overlay), one LinkEngine step at a time (issue 19):
//
//   per node and overlay  a bridge joined to a VXLAN device (RFC 7348): the overlay's
//                         VNI, UDP 4789 from the node's underlay address, learning off,
//                         ARP proxy on, the overlay's MTU
//   per task interface    a veth from that bridge into the task's netns, the overlay's
//                         MTU, Docker's MAC (02:42 + the address), the address
//   on every other node   a static FDB entry (the task's MAC lives behind its node's
//                         VTEP) and a permanent neighbour entry (its address has that
//                         MAC: what the ARP proxy answers), kept current as tasks move
//   flooding              none: a frame to an unknown or broadcast MAC is dropped by
//                         the VXLAN device, so unicast crosses nodes and broadcast and
//                         multicast stay on their node (moby/libnetwork#552). With
//                         `flood: true`, an all-zeros entry per other node replicates
//                         them to every node (head-end replication, RFC 7348 4.2).
//
// Where the bridges live: Docker puts each overlay's bridge and VXLAN device in a
// sandbox netns of their own, with the VXLAN socket in the host's netns. Here the
// VXLAN socket is the node's in the same way (the device is created from inside the
// node and placed elsewhere), and the bridge and device sit in the world netns, where
// netsim's captures, loss rules and one-request teardown already work. The bridges
// carry no address, so the world takes no part in the overlay's traffic, and each
// bridge is a broadcast domain of its own, as each sandbox is.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "netsim/ipv4.h"
#include "netsim/link_engine.h"
#include "netsim/scenario.h"

namespace netsim {

class OverlayBuilder {
 public:
  OverlayBuilder(const Scenario& scenario, LinkEngine& engine);

  // Once every namespace exists (the nodes with their underlay addresses): every
  // overlay on every node, every task attached, every node told where every remote
  // task is. World links made are appended to world_links; task ports to ports
  // (key "TASK.ethN"). port_name names a task link's world end.
  void build(const std::map<std::string, Netns>& netns,
             const std::function<std::string(const Host&, std::size_t)>& port_name,
             std::vector<std::string>& world_links, std::map<std::string, std::string>& ports);

  // A rescheduled task: its interfaces leave their node (every other node forgets them)
  // and come back on `node` with `addresses` (one per overlay link, in link order) and
  // the MACs those give. The same world port names are used again.
  void move_task(const std::string& task, const std::string& node,
                 const std::vector<Ipv4>& addresses, const std::map<std::string, Netns>& netns);

  // The bridge of an overlay on a node (empty when there is none).
  std::string bridge(const std::string& overlay, const std::string& node) const;
  // The node a task is on now.
  std::string node_of(const std::string& task) const;

 private:
  struct Interface {
    std::string overlay, ifname, port, mac;
    Ipv4 address;
  };
  struct Placement {
    std::string node;
    std::vector<Interface> interfaces;
  };

  const Scenario& sc_;
  LinkEngine& engine_;
  std::map<std::string, std::string> bridges_;  // "overlay/node" -> bridge
  std::map<std::string, std::string> vxlans_;   // "overlay/node" -> VXLAN device
  std::map<std::string, std::string> vteps_;    // node -> its underlay address
  std::map<std::string, Placement> tasks_;

  void attach(const Host& task, const Netns& ns, Interface& iface, const std::string& node);
  // Every node but the task's own learns (or forgets) where its interfaces are.
  void announce(const Placement& p);
  void withdraw(const Placement& p);
};

}  // namespace netsim
