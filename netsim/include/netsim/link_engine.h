// The seam between a topology's description (Topology: which bridges, veths, addresses,
// routes) and the mechanism that makes them in the kernel. Two engines:
//   netlink  talks rtnetlink itself (libmnl), makes namespaces with unshare() and enters
//            them with setns() on the calling thread: no process at all. The default.
//   ip       runs `ip` for every step and holds each namespace with an anchor process,
//            as netsim always did; kept for side-by-side comparison (netsim
//            bench-topology) and as a fallback.
// Every step has one text, in iproute2 syntax, used by both engines for the -v log and
// for errors, so a failure names the step whichever engine ran it.
// Addresses and routes are strings ("198.18.1.2/24", "2001:db8::1/64", "default") so
// IPv6 goes through the same calls.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace netsim {

enum class EngineKind { netlink, ip };

// "netlink" or "ip"; throws std::invalid_argument otherwise.
EngineKind parse_engine(const std::string& name);
std::string to_string(EngineKind kind);
// $NETSIM_ENGINE when set (throws if it names no engine), else netlink.
EngineKind engine_from_environment();

// Where a step runs: the world netns (fd -1) or a host's, held open by fd.
struct Netns {
  int fd = -1;
  std::string label = "world";  // for logs and errors: the host's name
  pid_t pid = -1;               // ip engine: the anchor process inside, for `netns PID`
  ino_t inode = 0;              // the namespace's identity (nsfs inode)
};

// A VXLAN device (RFC 7348) of a Swarm overlay on one node, as Docker's overlay driver
// makes it: the overlay's VNI, UDP port 4789, the node's underlay address as source,
// address learning off and the ARP proxy on (the device answers ARP from its static
// neighbour entries; nothing is flooded to learn where a MAC lives).
struct VxlanSpec {
  std::uint32_t vni = 0;
  std::string local;  // the node's underlay IPv4 address (its VTEP)
  std::uint16_t port = 4789;
  int mtu = 1450;
};

class LinkEngine {
 public:
  virtual ~LinkEngine() = default;
  virtual EngineKind kind() const = 0;

  // Each throws std::runtime_error "<where>: <step>: <the kernel's reason>" on failure.
  // A fresh network namespace for a host, open as Netns::fd.
  virtual Netns add_netns(const std::string& label) = 0;
  // Lets go of a host's namespace (and whatever the engine holds inside it: a socket
  // keeps a netns alive); returns whether it was released.
  virtual bool release_netns(const Netns& ns) = 0;
  // A bridge in the world netns: STP off, forward delay 0.
  virtual void add_bridge(const std::string& name) = 0;
  // A veth pair: `name` in the world netns, `peer` created directly inside `peer_ns`.
  virtual void add_veth(const std::string& name, const std::string& peer, const Netns& peer_ns) = 0;
  virtual void set_master(const std::string& port, const std::string& bridge) = 0;
  virtual void set_link_up(const Netns& ns, const std::string& ifname, bool up) = 0;
  // cidr "ADDR/PREFIX"; broadcast may be empty (IPv6 has none). IPv6 addresses are added
  // without duplicate address detection (IFA_F_NODAD, `nodad`): usable at once.
  virtual void add_address(const Netns& ns, const std::string& ifname, const std::string& cidr,
                           const std::string& broadcast) = 0;
  // to: "default" or "NET/PREFIX"; via: the gateway.
  virtual void add_route(const Netns& ns, const std::string& to, const std::string& via) = 0;
  // Writes a /proc/sys file as seen from inside ns (e.g. /proc/sys/net/ipv4/ip_forward).
  virtual void write_sysctl(const Netns& ns, const std::string& proc_path,
                            const std::string& value) = 0;
  // As `ethtool -K IF tx off`: on a veth the kernel otherwise leaves checksums unfilled.
  virtual void disable_tx_checksum_offload(const Netns& ns, const std::string& ifname) = 0;
  // The VXLAN device `name`, created from inside socket_ns (a node: its UDP socket and
  // endpoint live there) and placed in the world netns, beside the node's overlay
  // bridge, as Docker creates it in the host netns and moves it into the overlay's
  // sandbox. Joins the world links that teardown deletes.
  virtual void add_vxlan(const std::string& name, const VxlanSpec& spec,
                         const Netns& socket_ns) = 0;
  virtual void set_mtu(const Netns& ns, const std::string& ifname, int mtu) = 0;
  // mac "02:42:c6:13:01:02"
  virtual void set_mac(const Netns& ns, const std::string& ifname, const std::string& mac) = 0;
  // A static forwarding entry on a world VXLAN device: frames to `mac` are sent to the
  // VTEP `dst` (`bridge fdb add MAC dev DEV dst IP self permanent`). append: one more
  // destination for the same MAC (the all-zeros flooding entry has one per node).
  virtual void add_fdb(const std::string& dev, const std::string& mac, const std::string& dst,
                       bool append) = 0;
  virtual void del_fdb(const std::string& dev, const std::string& mac, const std::string& dst) = 0;
  // A permanent neighbour (ARP) entry on a world device: what its ARP proxy answers.
  virtual void add_neighbour(const std::string& dev, const std::string& ip,
                             const std::string& mac) = 0;
  virtual void del_neighbour(const std::string& dev, const std::string& ip) = 0;
  // Deletes one world link at once (a veth takes its peer along); throws on failure.
  virtual void delete_link(const std::string& name) = 0;
  // Deletes world links (a veth takes its peer with it), in the order given; returns
  // how many are gone and adds a line per failure to problems.
  virtual int delete_links(const std::vector<std::string>& names,
                           std::vector<std::string>& problems) = 0;
};

std::unique_ptr<LinkEngine> make_link_engine(EngineKind kind);

// The steps in iproute2 syntax (without the leading "ip"): what the ip engine runs and
// what both engines log and name in errors.
namespace steps {
std::vector<std::string> add_bridge(const std::string& name);
std::vector<std::string> add_veth(const std::string& name, const std::string& peer,
                                  const Netns& peer_ns);
std::vector<std::string> set_master(const std::string& port, const std::string& bridge);
std::vector<std::string> set_link_up(const std::string& ifname, bool up);
std::vector<std::string> add_address(const std::string& ifname, const std::string& cidr,
                                     const std::string& broadcast);
std::vector<std::string> add_route(const std::string& to, const std::string& via);
std::vector<std::string> delete_link(const std::string& name);
// Run inside the node's netns; `world` names the netns the device goes to.
std::vector<std::string> add_vxlan(const std::string& name, const VxlanSpec& spec,
                                   const std::string& world);
std::vector<std::string> set_mtu(const std::string& ifname, int mtu);
std::vector<std::string> set_mac(const std::string& ifname, const std::string& mac);
// These two start with "bridge": the one step that is not an `ip` command.
std::vector<std::string> add_fdb(const std::string& dev, const std::string& mac,
                                 const std::string& dst, bool append);
std::vector<std::string> del_fdb(const std::string& dev, const std::string& mac,
                                 const std::string& dst);
std::vector<std::string> add_neighbour(const std::string& dev, const std::string& ip,
                                       const std::string& mac);
std::vector<std::string> del_neighbour(const std::string& dev, const std::string& ip);
std::string text(const std::vector<std::string>& args);
}  // namespace steps

}  // namespace netsim
