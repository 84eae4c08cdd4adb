// The engine: builds a scenario's topology inside the private world and tears it down.
//   segment -> Linux bridge in the world netns (STP off, forward delay 0)
//   host    -> netns (held by an open fd, or by an anchor process for the ip engine);
//              ethN = veth whose peer is a bridge port
//   router  -> host with ip_forward=1 (and IPv6 forwarding when it has IPv6) on
//              several segments
// What to make is decided here; how it is made in the kernel is the LinkEngine's job
// (netlink by default, or `ip` processes), see link_engine.h.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "netsim/link_engine.h"
#include "netsim/namespaces.h"
#include "netsim/overlay_builder.h"
#include "netsim/scenario.h"

namespace netsim {

struct TeardownSummary {
  int anchors_stopped = 0;  // host namespaces released
  int links_deleted = 0;
  std::vector<std::string> problems;
};

class Topology {
 public:
  explicit Topology(const Scenario& scenario, EngineKind engine = engine_from_environment());
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Throws std::runtime_error naming the failing step; whatever was built stays
  // recorded so teardown() still removes it.
  void build();
  TeardownSummary teardown();

  int netns_fd(const std::string& host) const;
  ino_t netns_inode(const std::string& host) const;
  std::string bridge(const std::string& segment) const;
  // The world-side veth of host's interface (a port of the segment bridge).
  std::string world_port(const std::string& host, const std::string& ifname) const;
  // The bridge of an overlay on a node (its capture point), empty when none.
  std::string overlay_bridge(const std::string& overlay, const std::string& node) const;
  // A rescheduled task leaves its node and joins `node` with new addresses, one per
  // overlay link (OverlayBuilder::move_task). Throws naming the failed step.
  void move_task(const std::string& task, const std::string& node,
                 const std::vector<Ipv4>& addresses);
  // Sets a host's interface up or down (the link_down/link_up faults).
  void set_link_up(const std::string& host, const std::string& ifname, bool up) const;
  EngineKind engine() const { return engine_->kind(); }

 private:
  const Scenario& sc_;
  std::unique_ptr<LinkEngine> engine_;
  std::map<std::string, Netns> netns_;
  std::map<std::string, std::string> bridges_;
  std::map<std::string, std::string> ports_;  // host.ifname -> world veth
  std::vector<std::string> world_links_;      // created, in order
  OverlayBuilder overlays_;

  Netns netns_of(const std::string& host) const;
  void add_default_routes(const Host& host, const Netns& ns);
  void write_emulation_sysctls(const Netns& ns, bool router, bool ipv6);
};

}  // namespace netsim
