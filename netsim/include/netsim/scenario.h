// The scenario model: a topology, the processes to run in it, a timeline of faults and
// the expectations to check. Pure data (Mininet style): the engine builds it, the
// checkers judge it, neither lives here.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "netsim/ipv4.h"
#include "netsim/ipv6.h"

namespace netsim {

struct SourceLocation {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  std::string str() const;
};

// A scenario that cannot be run: bad YAML, unknown name, address outside the plan...
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const SourceLocation& where, const std::string& message);
  const SourceLocation& where() const { return where_; }

 private:
  SourceLocation where_;
};

// A Docker Swarm overlay network (`overlays:`), built as Docker's overlay driver builds
// one: on every node a bridge joined to a VXLAN device (RFC 7348) of the overlay's VNI.
// Tasks on every node share its subnet; unicast crosses nodes, broadcast and multicast
// stay on their node unless `flood`. See swarm.h and netsim/README.md "Swarm overlays".
struct OverlaySpec {
  std::uint32_t vni = 0;
  int mtu = 1450;
  bool flood = false;  // `flood: true`: head-end replication of broadcast to every node
};

struct Segment {
  std::string name;
  bool ipv4 = true;  // false (`ipv4: false`): an IPv6-only segment, `subnet` unused
  Subnet subnet;
  std::optional<Subnet6> subnet6;      // `subnet6:` or `ipv6: true`; none: IPv4 only
  std::optional<OverlaySpec> overlay;  // set: an overlay (IPv4 only), no bridge of its own
  SourceLocation where;
};

// One interface of a host: ethN in the host, a veth whose peer is a bridge port.
struct Attachment {
  std::string segment;
  std::string ifname;  // eth0, eth1... in declaration order
  bool ipv4 = true;    // the segment has IPv4 (else `address` means nothing)
  Ipv4 address;        // explicit or allocated
  bool explicit_address = false;
  std::optional<Ipv6> address6;  // set when the segment has IPv6: explicit or allocated
  bool explicit_address6 = false;
  SourceLocation where;
};

// A static route of one family: IPv4 (to, via) or, when to6 is set, IPv6 (to6, via6).
struct Route {
  Subnet to;
  Ipv4 via;
  std::optional<Subnet6> to6;
  Ipv6 via6;
  std::string to_text() const;
  std::string via_text() const;
};

struct ProcessSpec {
  std::string name;  // unique in the scenario
  std::string host;
  std::vector<std::string> command;  // argv, before ${...} substitution
  std::string ready;                 // log text that means "up"; empty = up once started
  double ready_timeout = 20;         // seconds
  // `env:` NAME: value, added to the environment (values take ${...} variables).
  std::vector<std::pair<std::string, std::string>> env;
  bool swarm_dns = false;  // the embedded-DNS stand-in netsim adds to a task (swarm.h)
  SourceLocation where;
};

struct Host {
  std::string name;
  bool router = false;
  bool node = false;    // a Swarm node (`nodes:`): carries the overlays; its eth0 is the VTEP
  std::string on_node;  // a task (`node:`): the node it runs on; its links are on overlays
  std::string service;  // a task's service (`service:`): listed in tasks.<service>
  std::vector<Attachment> links;
  std::vector<Route> routes;  // extra static routes
  SourceLocation where;
  bool is_task() const { return !on_node.empty(); }
};

enum class FaultKind { kill, restart, link_down, link_up, loss, partition, heal, reschedule };

struct FaultEvent {
  double at = 0;
  FaultKind kind = FaultKind::kill;
  std::string process;               // kill, restart
  int signal = 9;                    // kill
  std::string host, ifname;          // link_down, link_up, loss
  int percent = 0;                   // loss (0 removes)
  std::string segment_a, segment_b;  // partition, heal (both empty on heal: all)
  std::string node;                  // reschedule: the node task `host` moves to
  SourceLocation where;
};

enum class ExpectKind {
  discover,
  no_discover,
  max_copies,
  counter,
  log,
  deliver,
  peer_state,
  monitor
};

// Kinds judged on a pva-client run (discover, no_discover, monitor).
bool runs_pva_client(ExpectKind k);

// deliver: udp-send on `from` sends `count` test datagrams to `to`; udp-recv on
// `receiver` must get them all (or min_delivered), intact, with the sender's source.
struct Delivery {
  long count = 0;
  std::string from;      // host running udp-send
  std::string to;        // ADDRESS:PORT, before ${...} substitution
  std::string receiver;  // host running udp-recv
  long port = 0;         // udp-recv --port; default: the port of `to`
  std::string group;     // multicast group udp-recv joins (optional)
  long size = 100;
  double rate = 0;          // per second; 0 = back to back
  double idle = 1;          // udp-recv stops after this long without a datagram
  double linger = 0.25;     // after all arrived, wait this long for duplicates
  long min_delivered = -1;  // -1: all of count (0 when max_delivered is set)
  long max_delivered = -1;  // -1: no limit; 0: the negative control, nothing may arrive
  long ttl = -1;            // -1: not checked; else every datagram arrives with this TTL
  long max_duplicates = 0;
  bool keep_source = true;  // every datagram's source is from's address and udp-send's port
  std::vector<std::string> send_args, recv_args;  // extra options (variables allowed)
  std::vector<std::string> cpu;       // processes whose CPU time during the delivery is reported
  std::vector<std::string> counters;  // processes whose stats JSON change is reported
  bool after_previous = false;        // start no earlier than the end of the running deliver checks
};

struct Expectation {
  ExpectKind kind = ExpectKind::discover;
  SourceLocation where;
  std::optional<double> at;  // seconds; discover default 0, others default end of run
  // discover / no_discover
  std::vector<std::string> pvs;
  std::string client;  // host running pva-client
  std::string server;  // host whose address must answer (optional)
  double within = 5;
  std::vector<std::string> client_args;
  long min_datagram_bytes = 0;     // discover: the client's largest search must be this big
  std::optional<double> pv_value;  // discover `value:`: every PV must read this (--get)
  // monitor (also uses pvs, client, server, within, client_args)
  long min_updates = 2;     // per PV, over the whole run
  long min_reconnects = 0;  // per PV: times its server went away and was found again
  // max_copies
  std::string segment;
  std::string node;  // on an overlay: the node whose bridge is watched
  long max_copies = 1;
  long min_datagrams = 1;
  // counter, log
  std::string process;
  std::string counter;  // dotted path in the stats JSON, e.g. dropped.unknown_peer
  std::string op = ">=";
  double value = 0;
  std::string text;  // log
  Delivery deliver;
  // peer_state: the process (a relay) sees `peer` (an address, ${...} allowed) in
  // `peer_state`; with `poll`, read again until it does or `within` has passed.
  std::string peer;
  std::string peer_state;
  bool poll = false;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;
  double duration = 30;  // hard upper bound of the timeline, seconds
  double settle = 1;     // capture window kept open after the last event, seconds
  std::vector<Segment> segments;
  std::vector<Host> hosts;  // routers included (router = true), declaration order
  std::vector<ProcessSpec> processes;
  std::vector<FaultEvent> timeline;  // sorted by time
  std::vector<Expectation> expectations;

  const Segment* find_segment(const std::string& name) const;
  const Host* find_host(const std::string& name) const;
  const ProcessSpec* find_process(const std::string& name) const;
  Host* find_host(const std::string& name);
  bool is_overlay(const std::string& segment) const;
  // Swarm nodes, and the tasks of one overlay, in declaration order.
  std::vector<const Host*> swarm_nodes() const;
  // Whether any task names a service (then netsim plays Docker's embedded DNS).
  bool has_services() const;
  // The router's IPv4 address on a segment, if the segment has IPv4 and a router.
  std::optional<Ipv4> router_on(const std::string& segment) const;
  // The router's IPv6 address on a segment, if the segment has IPv6 and a router.
  std::optional<Ipv6> router6_on(const std::string& segment) const;
  // A host's default gateway per family: the router of the first of its segments that
  // has a router of that family (none for routers, or when no segment has one).
  std::optional<Ipv4> default_gateway(const Host& host) const;
  std::optional<Ipv6> default_gateway6(const Host& host) const;
};

std::string to_string(FaultKind k);
std::string to_string(ExpectKind k);
std::string describe(const FaultEvent& e);
std::string describe(const Expectation& e);

}  // namespace netsim
