#include "netsim/scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "netsim/substitution.h"
#include "netsim/swarm.h"
#include "udp/address_guard.h"

namespace netsim {

namespace {

constexpr double kMaxDuration = 3600;

enum class Role { host, router, node };

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  Scenario load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw ScenarioError(SourceLocation{file_, e.mark.line + 1}, "invalid YAML: " + e.msg);
    }
    if (!root.IsMap())
      throw error(root, "a scenario is a YAML mapping (name:, segments:, hosts:, ...)");
    check_keys(root,
               {"name", "description", "duration", "settle", "segments", "overlays", "routers",
                "nodes", "hosts", "timeline", "expect"},
               "scenario");
    sc_.file = file_;
    sc_.name = root["name"] ? scalar(root["name"], "name") : std::string{"unnamed"};
    if (root["description"]) sc_.description = scalar(root["description"], "description");
    if (!root["duration"])
      throw error(root, "missing 'duration' (seconds): every scenario needs an upper bound");
    sc_.duration = number(root["duration"], "duration", 0.1, kMaxDuration);
    if (root["settle"]) sc_.settle = number(root["settle"], "settle", 0, 60);

    if (!root["segments"]) throw error(root, "missing 'segments'");
    load_segments(list(root["segments"], "segments"));
    if (root["overlays"]) load_overlays(list(root["overlays"], "overlays"));
    if (root["routers"]) load_hosts(list(root["routers"], "routers"), Role::router);
    if (root["nodes"]) load_hosts(list(root["nodes"], "nodes"), Role::node);
    if (root["hosts"]) load_hosts(list(root["hosts"], "hosts"), Role::host);
    add_swarm_dns_stand_ins();
    allocate_addresses();
    validate_routes();
    validate_process_variables();
    if (root["timeline"]) load_timeline(list(root["timeline"], "timeline"));
    if (root["expect"]) load_expectations(list(root["expect"], "expect"));
    return std::move(sc_);
  }

 private:
  std::string file_;
  Scenario sc_;
  std::vector<std::vector<std::tuple<std::string, std::string, SourceLocation>>> pending_routes_;

  SourceLocation at(const YAML::Node& n) const {
    int line = n.Mark().line;
    return SourceLocation{file_, line >= 0 ? line + 1 : 0};
  }
  ScenarioError error(const YAML::Node& n, const std::string& msg) const {
    return ScenarioError(at(n), msg);
  }

  void check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                  const std::string& what) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      std::string key = it->first.Scalar();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw error(it->first,
                    "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) throw error(n, what + " must be a plain value");
    return n.Scalar();
  }

  double number(const YAML::Node& n, const std::string& what, double lo, double hi) const {
    double v = 0;
    try {
      if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      throw error(n, what + " must be a number");
    }
    if (!std::isfinite(v) || v < lo || v > hi) {
      std::ostringstream o;
      // Whole bounds in full (a VNI's 16777215, not 1.67772e+07).
      o << std::setprecision(15) << what << " must be between " << lo << " and " << hi << " (got "
        << n.Scalar() << ")";
      throw error(n, o.str());
    }
    return v;
  }

  YAML::Node list(const YAML::Node& n, const std::string& what) const {
    if (!n.IsSequence()) throw error(n, what + " must be a list (lines starting with '- ')");
    return n;
  }

  std::vector<std::string> strings(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) throw error(n, what + " must be a value or a list of values");
    for (const auto& item : n) out.push_back(scalar(item, what + " item"));
    return out;
  }

  // A command is an argv list, or one string split on blanks (never given to a shell).
  std::vector<std::string> command(const YAML::Node& n) const {
    std::vector<std::string> argv;
    if (n.IsScalar()) {
      std::istringstream words(n.Scalar());
      for (std::string w; words >> w;) argv.push_back(w);
    } else {
      argv = strings(n, "command");
    }
    if (argv.empty()) throw error(n, "command is empty");
    return argv;
  }

  void check_name(const YAML::Node& n, const std::string& name, const std::string& what) const {
    bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!ok)
      throw error(n, what + " name '" + name + "' must use only letters, digits, '-' and '_'");
  }

  Subnet subnet_in_plan(const YAML::Node& n, const std::string& text) const {
    auto s = parse_subnet(text);
    if (!s)
      throw error(n, "'" + text + "' is not a subnet like 198.18.1.0/24 (host bits must be zero)");
    if (s->prefix < benchmark_space().prefix || !benchmark_space().contains(s->network))
      throw error(n, "subnet " + text + " is outside " + to_string(benchmark_space()) +
                         ": netsim only uses the RFC 2544 benchmarking space");
    if (s->prefix > 30) throw error(n, "subnet " + text + " is too small (at most /30)");
    return *s;
  }

  Subnet6 subnet6_in_plan(const YAML::Node& n, const std::string& text) const {
    auto s = parse_subnet6(text);
    if (!s)
      throw error(n, "'" + text +
                         "' is not an IPv6 prefix like 2001:db8:1::/64 (bits below the prefix "
                         "must be zero)");
    if (s->prefix < documentation_space6().prefix || !documentation_space6().contains(s->network))
      throw error(n, "subnet6 " + text + " is outside " + to_string(documentation_space6()) +
                         ": netsim only uses the IPv6 documentation prefix");
    if (s->prefix > 120) throw error(n, "subnet6 " + text + " is too small (at most /120)");
    return *s;
  }

  // ipv4: / ipv6: / subnet: / subnet6: of one segment mapping (IPv4 only by default).
  void segment_families(const YAML::Node& item, std::size_t i, Segment& seg) const {
    const bool has_map = item.IsMap();
    if (has_map && item["ipv4"]) seg.ipv4 = boolean(item["ipv4"], "ipv4");
    bool ipv6 = has_map && item["subnet6"];
    if (has_map && item["ipv6"]) {
      const bool want = boolean(item["ipv6"], "ipv6");
      if (!want && ipv6) throw error(item["ipv6"], "ipv6: false contradicts subnet6:");
      ipv6 = want;
    }
    if (has_map && item["subnet"] && !seg.ipv4)
      throw error(item["subnet"], "ipv4: false contradicts subnet: (an IPv6-only segment)");
    if (!seg.ipv4 && !ipv6)
      throw error(item, "segment '" + seg.name +
                            "' has neither IPv4 nor IPv6 (give ipv6: true or subnet6: with "
                            "ipv4: false)");
    if (seg.ipv4) {
      if (has_map && item["subnet"]) {
        seg.subnet = subnet_in_plan(item["subnet"], scalar(item["subnet"], "subnet"));
      } else {
        if (i + 1 > 255) throw error(item, "too many segments for default subnets; give subnet:");
        seg.subnet = Subnet{
            Ipv4{benchmark_space().network.value + static_cast<std::uint32_t>((i + 1) << 8)}, 24};
      }
      for (const auto& other : sc_.segments)
        if (other.ipv4 && other.subnet.overlaps(seg.subnet))
          throw error(item, "segment '" + seg.name + "' subnet " + to_string(seg.subnet) +
                                " overlaps segment '" + other.name + "' (" +
                                to_string(other.subnet) + ")");
    }
    if (ipv6) {
      if (item["subnet6"]) {
        seg.subnet6 = subnet6_in_plan(item["subnet6"], scalar(item["subnet6"], "subnet6"));
      } else {
        if (i + 1 > 9999)
          throw error(item, "too many segments for default IPv6 prefixes; give subnet6:");
        seg.subnet6 = default_subnet6(static_cast<std::uint32_t>(i + 1));
      }
      for (const auto& other : sc_.segments)
        if (other.subnet6 && other.subnet6->overlaps(*seg.subnet6))
          throw error(item, "segment '" + seg.name + "' subnet6 " + to_string(*seg.subnet6) +
                                " overlaps segment '" + other.name + "' (" +
                                to_string(*other.subnet6) + ")");
    }
  }

  void load_segments(const YAML::Node& seq) {
    for (std::size_t i = 0; i < seq.size(); ++i) {
      const YAML::Node& item = seq[i];
      Segment seg;
      seg.where = at(item);
      if (item.IsScalar()) {
        seg.name = item.Scalar();
      } else if (item.IsMap()) {
        check_keys(item, {"name", "subnet", "subnet6", "ipv4", "ipv6"}, "segment");
        if (!item["name"]) throw error(item, "segment needs a name");
        seg.name = scalar(item["name"], "segment name");
      } else {
        throw error(item, "a segment is a name or {name:, subnet:, subnet6:, ipv4:, ipv6:}");
      }
      check_name(item, seg.name, "segment");
      // ${host.v6} selects the IPv6 address; a segment of that name would be ambiguous.
      if (seg.name == "v6")
        throw error(item, "segment name 'v6' is reserved (${host.v6} is an IPv6 address)");
      if (sc_.find_segment(seg.name))
        throw error(item, "segment '" + seg.name + "' is declared twice");
      segment_families(item, i, seg);
      sc_.segments.push_back(seg);
    }
    if (sc_.segments.empty()) throw error(seq, "at least one segment is needed");
  }

  // overlays: name, or {name:, subnet:, vni:, mtu:, flood:}; stored as segments that
  // have an OverlaySpec (IPv4 only), after the plain segments.
  void load_overlays(const YAML::Node& seq) {
    std::uint32_t index = 0;
    for (const auto& item : seq) {
      ++index;
      Segment seg;
      seg.where = at(item);
      const bool has_map = item.IsMap();
      if (item.IsScalar()) {
        seg.name = item.Scalar();
      } else if (has_map) {
        check_keys(item, {"name", "subnet", "vni", "mtu", "flood"}, "overlay");
        if (!item["name"]) throw error(item, "overlay needs a name");
        seg.name = scalar(item["name"], "overlay name");
      } else {
        throw error(item, "an overlay is a name or {name:, subnet:, vni:, mtu:, flood:}");
      }
      check_name(item, seg.name, "overlay");
      if (seg.name == "v6")
        throw error(item, "overlay name 'v6' is reserved (${host.v6} is an IPv6 address)");
      if (sc_.find_segment(seg.name))
        throw error(item, "segment or overlay '" + seg.name + "' is declared twice");
      OverlaySpec o;
      o.vni = kFirstVni + index - 1;
      if (has_map && item["vni"])
        o.vni = static_cast<std::uint32_t>(number(item["vni"], "vni", 1, kMaxVni));
      for (const auto& other : sc_.segments)
        if (other.overlay && other.overlay->vni == o.vni)
          throw error(has_map && item["vni"] ? item["vni"] : item,
                      "VNI " + std::to_string(o.vni) + " is overlay '" + other.name +
                          "''s already: each overlay needs its own VNI (give vni:)");
      if (has_map && item["mtu"]) {
        const double mtu = number(item["mtu"], "mtu", kMinOverlayMtu, 65535);
        if (mtu > kOverlayMtu)
          throw error(item["mtu"], "mtu " + item["mtu"].Scalar() + " does not fit the underlay: " +
                                       "VXLAN adds 50 bytes to a 1500-byte underlay and must " +
                                       "not be fragmented (RFC 7348, 4.3); at most " +
                                       std::to_string(kOverlayMtu));
        o.mtu = static_cast<int>(mtu);
      }
      if (has_map && item["flood"]) o.flood = boolean(item["flood"], "flood");
      if (has_map && item["subnet"]) {
        seg.subnet = subnet_in_plan(item["subnet"], scalar(item["subnet"], "subnet"));
      } else {
        if (index > 255) throw error(item, "too many overlays for default subnets; give subnet:");
        seg.subnet = default_overlay_subnet(index);
      }
      for (const auto& other : sc_.segments)
        if (other.ipv4 && other.subnet.overlaps(seg.subnet))
          throw error(item, "overlay '" + seg.name + "' subnet " + to_string(seg.subnet) +
                                " overlaps " + (other.overlay ? "overlay '" : "segment '") +
                                other.name + "' (" + to_string(other.subnet) + ")");
      seg.overlay = o;
      sc_.segments.push_back(seg);
    }
  }

  // Nodes, tasks and overlays: a task (node:) runs on a node and joins overlays only;
  // nothing else joins an overlay; a node's first address is its VXLAN endpoint.
  void swarm_role(const YAML::Node& item, Host& h) const {
    if (item["node"]) {
      h.on_node = scalar(item["node"], "node");
      const Host* node = sc_.find_host(h.on_node);
      if (!node)
        throw error(item["node"], "unknown node '" + h.on_node + "' (declare it under nodes:)");
      if (!node->node)
        throw error(item["node"], "'" + h.on_node + "' is a " + (node->router ? "router" : "host") +
                                      ", not a node (declare it under nodes:)");
    }
    if (h.is_task() && item["routes"])
      throw error(item["routes"], "a task has no routes: its links are on overlays only");
    if (item["service"]) {
      if (!h.is_task())
        throw error(item["service"], "service: is for tasks (hosts with node: NODE)");
      h.service = scalar(item["service"], "service");
      check_name(item["service"], h.service, "service");
    }
    for (const auto& l : h.links) {
      const Segment* seg = sc_.find_segment(l.segment);
      if (!seg->overlay) {
        if (h.is_task())
          throw ScenarioError(l.where, "task '" + h.name + "' (node: " + h.on_node +
                                           ") joins overlays only; '" + l.segment +
                                           "' is a segment");
        continue;
      }
      if (h.router)
        throw ScenarioError(l.where, "router '" + h.name + "' cannot join overlay '" + l.segment +
                                         "': an overlay carries tasks only");
      if (h.node)
        throw ScenarioError(l.where, "node '" + h.name + "' cannot join overlay '" + l.segment +
                                         "': nodes carry overlays, tasks join them (a host "
                                         "with node: " +
                                         h.name + ")");
      if (!h.is_task())
        throw ScenarioError(l.where, "'" + l.segment + "' is an overlay: host '" + h.name +
                                         "' needs node: NODE (the Swarm node its task runs on)");
      if (l.explicit_address && l.address == seg->subnet.host(1))
        throw ScenarioError(l.where, "address " + to_string(l.address) +
                                         " is the gateway of overlay '" + l.segment +
                                         "' (Docker keeps .1); tasks take .2 upwards");
    }
    if (h.node && !h.links.front().ipv4)
      throw ScenarioError(h.links.front().where,
                          "node '" + h.name +
                              "' needs IPv4 on its first segment: that address is its VXLAN "
                              "endpoint");
  }

  // Docker's embedded DNS, played by one dnsmasq per task (swarm.h), started before
  // every declared process so a task's first lookup of tasks.<service> is answered.
  void add_swarm_dns_stand_ins() {
    if (!sc_.has_services()) return;
    std::vector<ProcessSpec> dns;
    for (const auto& h : sc_.hosts) {
      if (!h.is_task()) continue;
      ProcessSpec p;
      p.name = swarm_dns_process(h.name);
      p.host = h.name;
      p.command = swarm_dns_command(std::string("${logs}/") + kSwarmDnsHostsFile);
      p.ready = kSwarmDnsReady;
      p.ready_timeout = 10;
      p.swarm_dns = true;
      p.where = h.where;
      dns.push_back(p);
    }
    sc_.processes.insert(sc_.processes.begin(), dns.begin(), dns.end());
  }

  // env: {NAME: value, ...}: names as a shell would take them, values are strings.
  std::vector<std::pair<std::string, std::string>> environment(const YAML::Node& n) const {
    if (!n.IsMap()) throw error(n, "env is a mapping of NAME: value, e.g. {SERVICENAME: relay}");
    std::vector<std::pair<std::string, std::string>> env;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string name = it->first.Scalar();
      const bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                      });
      if (!ok) throw error(it->first, "env name '" + name + "' must be letters, digits and '_'");
      env.emplace_back(name, scalar(it->second, "env value"));
    }
    return env;
  }

  void load_hosts(const YAML::Node& seq, Role role) {
    const bool router = role == Role::router;
    const std::string what = router ? "router" : role == Role::node ? "node" : "host";
    for (const auto& item : seq) {
      if (!item.IsMap()) throw error(item, "a " + what + " is a mapping with name: and segments:");
      if (role == Role::host)
        check_keys(item, {"name", "segments", "processes", "routes", "node", "service"}, what);
      else
        check_keys(item, {"name", "segments", "processes", "routes"}, what);
      Host h;
      h.router = router;
      h.node = role == Role::node;
      h.where = at(item);
      if (!item["name"]) throw error(item, what + " needs a name");
      h.name = scalar(item["name"], what + " name");
      check_name(item["name"], h.name, what);
      if (sc_.find_host(h.name))
        throw error(item["name"], "host or router '" + h.name + "' is declared twice");
      if (!item["segments"]) throw error(item, what + " '" + h.name + "' needs segments: [...]");
      const YAML::Node segs =
          item["segments"].IsScalar() ? YAML::Node() : list(item["segments"], "segments");
      std::vector<YAML::Node> seg_items;
      if (item["segments"].IsScalar())
        seg_items.push_back(item["segments"]);
      else
        for (const auto& s : segs) seg_items.push_back(s);
      for (const auto& s : seg_items) h.links.push_back(attachment(s, h));
      if (h.links.empty()) throw error(item, what + " '" + h.name + "' is on no segment");
      if (router && h.links.size() < 2)
        throw error(item, "router '" + h.name + "' must join at least two segments");
      swarm_role(item, h);
      if (item["routes"]) {
        pending_routes_.emplace_back();
        for (const auto& r : list(item["routes"], "routes")) {
          if (!r.IsMap() || !r["to"] || !r["via"])
            throw error(r, "a route is {to: SUBNET, via: ADDRESS} (IPv4 or IPv6)");
          check_keys(r, {"to", "via"}, "route");
          const std::string to = scalar(r["to"], "to");
          Route route;
          if (to.find(':') != std::string::npos)
            route.to6 = subnet6_in_plan(r["to"], to);
          else
            route.to = subnet_in_plan(r["to"], to);
          h.routes.push_back(route);
          pending_routes_.back().emplace_back(h.name, scalar(r["via"], "via"), at(r["via"]));
        }
      }
      sc_.hosts.push_back(h);
      if (item["processes"]) {
        for (const auto& p : list(item["processes"], "processes")) load_process(p, h);
      }
    }
  }

  Attachment attachment(const YAML::Node& s, const Host& h) const {
    Attachment a;
    a.where = at(s);
    a.ifname = "eth" + std::to_string(h.links.size());
    std::string address, address6;
    if (s.IsScalar()) {
      a.segment = s.Scalar();
    } else if (s.IsMap()) {
      check_keys(s, {"segment", "address", "address6"}, "segment attachment");
      if (!s["segment"]) throw error(s, "attachment needs segment:");
      a.segment = scalar(s["segment"], "segment");
      if (s["address"]) address = scalar(s["address"], "address");
      if (s["address6"]) address6 = scalar(s["address6"], "address6");
    } else {
      throw error(s, "a segment attachment is a name or {segment:, address:, address6:}");
    }
    const Segment* seg = sc_.find_segment(a.segment);
    if (!seg) throw error(s, "unknown segment '" + a.segment + "'");
    for (const auto& l : h.links)
      if (l.segment == a.segment)
        throw error(s, "'" + h.name + "' joins segment '" + a.segment + "' twice");
    a.ipv4 = seg->ipv4;
    if (!address.empty()) {
      if (!seg->ipv4)
        throw error(s["address"], "segment '" + seg->name +
                                      "' has no IPv4 (ipv4: false); give address6: instead");
      auto ip = parse_ipv4(address);
      if (!ip) throw error(s["address"], "'" + address + "' is not an IPv4 address");
      if (!benchmark_space().contains(*ip))
        throw error(s["address"], "address " + address + " is outside " +
                                      to_string(benchmark_space()) +
                                      ": netsim only uses the RFC 2544 benchmarking space");
      if (!seg->subnet.contains(*ip))
        throw error(s["address"], "address " + address + " is outside segment '" + seg->name +
                                      "' (" + to_string(seg->subnet) + ")");
      if (*ip == seg->subnet.network || *ip == seg->subnet.broadcast())
        throw error(
            s["address"],
            "address " + address + " is the network or broadcast address of '" + seg->name + "'");
      a.address = *ip;
      a.explicit_address = true;
    }
    if (!address6.empty()) {
      if (!seg->subnet6)
        throw error(s["address6"],
                    "segment '" + seg->name + "' has no IPv6 (give it subnet6: or ipv6: true)");
      auto ip = parse_ipv6(address6);
      if (!ip) throw error(s["address6"], "'" + address6 + "' is not an IPv6 address");
      if (!documentation_space6().contains(*ip))
        throw error(s["address6"], "address6 " + address6 + " is outside " +
                                       to_string(documentation_space6()) +
                                       ": netsim only uses the IPv6 documentation prefix");
      if (!seg->subnet6->contains(*ip))
        throw error(s["address6"], "address6 " + address6 + " is outside segment '" + seg->name +
                                       "' (" + to_string(*seg->subnet6) + ")");
      if (*ip == seg->subnet6->network)
        throw error(s["address6"], "address6 " + address6 +
                                       " is the subnet-router anycast address of '" + seg->name +
                                       "' (interface id 0)");
      a.address6 = *ip;
      a.explicit_address6 = true;
    }
    return a;
  }

  void load_process(const YAML::Node& p, const Host& h) {
    if (!p.IsMap()) throw error(p, "a process is a mapping with command:");
    check_keys(p, {"name", "command", "ready", "ready_timeout", "env"}, "process");
    ProcessSpec spec;
    spec.where = at(p);
    spec.host = h.name;
    spec.name = p["name"] ? scalar(p["name"], "process name") : h.name;
    check_name(p, spec.name, "process");
    if (sc_.find_process(spec.name))
      throw error(
          p, "process '" + spec.name + "' is declared twice (give each process a unique name:)");
    if (!p["command"]) throw error(p, "process '" + spec.name + "' needs command:");
    spec.command = command(p["command"]);
    if (p["ready"]) spec.ready = scalar(p["ready"], "ready");
    if (p["ready_timeout"])
      spec.ready_timeout = number(p["ready_timeout"], "ready_timeout", 0.1, 600);
    if (p["env"]) spec.env = environment(p["env"]);
    sc_.processes.push_back(spec);
  }

  void allocate_addresses() {
    for (const auto& seg : sc_.segments) {
      if (seg.ipv4) allocate_ipv4(seg);
      if (seg.subnet6) allocate_ipv6(seg);
    }
  }

  void allocate_ipv4(const Segment& seg) {
    std::set<Ipv4> used;
    for (const auto& h : sc_.hosts)
      for (const auto& l : h.links)
        if (l.segment == seg.name && l.explicit_address) {
          if (!used.insert(l.address).second)
            throw ScenarioError(l.where, "address " + to_string(l.address) + " is used twice on '" +
                                             seg.name + "'");
        }
    auto take = [&](std::uint32_t from, const Attachment& l) {
      for (std::uint32_t n = from; n <= seg.subnet.host_count(); ++n) {
        Ipv4 cand = seg.subnet.host(n);
        if (used.insert(cand).second) return cand;
      }
      throw ScenarioError(l.where, "segment '" + seg.name + "' (" + to_string(seg.subnet) +
                                       ") has no free address left");
    };
    // Overlays: .1 is the gateway Docker keeps on every overlay; tasks take .2 upwards.
    const std::uint32_t host_start = seg.overlay ? 2 : seg.subnet.host_count() >= 20 ? 10 : 1;
    for (bool routers : {true, false})
      for (auto& h : sc_.hosts) {
        if (h.router != routers) continue;
        for (auto& l : h.links)
          if (l.segment == seg.name && !l.explicit_address)
            l.address = take(routers ? 1 : host_start, l);
      }
  }

  // As IPv4: explicit addresses first, then routers from interface id ::1, then hosts
  // from ::10, each the lowest free id counting in hex (::10, ::11 ... ::19, ::1a).
  void allocate_ipv6(const Segment& seg) {
    std::set<Ipv6> used;
    for (const auto& h : sc_.hosts)
      for (const auto& l : h.links)
        if (l.segment == seg.name && l.explicit_address6) {
          if (!used.insert(*l.address6).second)
            throw ScenarioError(l.where, "address6 " + to_string(*l.address6) +
                                             " is used twice on '" + seg.name + "'");
        }
    auto take = [&](std::uint64_t from, const Attachment& l) {
      for (std::uint64_t n = from; n <= seg.subnet6->max_host(); ++n) {
        Ipv6 cand = seg.subnet6->host(n);
        if (used.insert(cand).second) return cand;
      }
      throw ScenarioError(l.where, "segment '" + seg.name + "' (" + to_string(*seg.subnet6) +
                                       ") has no free IPv6 address left");
    };
    for (bool routers : {true, false})
      for (auto& h : sc_.hosts) {
        if (h.router != routers) continue;
        for (auto& l : h.links)
          if (l.segment == seg.name && !l.explicit_address6)
            l.address6 = take(routers ? 0x1 : 0x10, l);
      }
  }

  void validate_routes() {
    std::size_t k = 0;
    for (auto& h : sc_.hosts) {
      if (h.routes.empty()) continue;
      const auto& pending = pending_routes_.at(k++);
      for (std::size_t i = 0; i < h.routes.size(); ++i) {
        const auto& [host, via, where] = pending[i];
        Route& route = h.routes[i];
        bool direct = false;
        if (route.to6) {
          auto ip = parse_ipv6(via);
          if (!ip)
            throw ScenarioError(where, "'" + via +
                                           "' is not an IPv6 address (the route's to: is "
                                           "IPv6)");
          for (const auto& l : h.links) {
            const Segment* seg = sc_.find_segment(l.segment);
            if (seg->subnet6 && seg->subnet6->contains(*ip)) direct = true;
          }
          route.via6 = *ip;
        } else {
          auto ip = parse_ipv4(via);
          if (!ip)
            throw ScenarioError(where, "'" + via +
                                           "' is not an IPv4 address (the route's to: is "
                                           "IPv4)");
          for (const auto& l : h.links) {
            const Segment* seg = sc_.find_segment(l.segment);
            if (seg->ipv4 && seg->subnet.contains(*ip)) direct = true;
          }
          route.via = *ip;
        }
        if (!direct)
          throw ScenarioError(where,
                              "route via " + via + " is not on any segment of '" + h.name + "'");
      }
    }
  }

  void check_variables(const std::string& text, const SourceLocation& where,
                       const std::string& process) const {
    try {
      substitute(text, run_variables(sc_, "/logs", process));
    } catch (const SubstitutionError& e) {
      throw ScenarioError(
          where,
          std::string(e.what()) +
              " (known: ${host}, ${host.ethN}, ${host.segment}, ${host.v6}, ${host.ethN.v6}, "
              "${host.segment.v6}, ${logs}, ${stats})");
    }
  }

  void validate_process_variables() const {
    for (const auto& p : sc_.processes) {
      for (const auto& arg : p.command) check_variables(arg, p.where, p.name);
      for (const auto& [name, value] : p.env) check_variables(value, p.where, p.name);
    }
  }

  std::pair<std::string, std::string> link_ref(const YAML::Node& n) const {
    std::string text = scalar(n, "link");
    auto dot = text.find('.');
    const Host* h = sc_.find_host(text.substr(0, dot));
    if (!h)
      throw error(
          n, "unknown host '" + text.substr(0, dot) + "' in link '" + text + "' (write host.eth0)");
    if (dot == std::string::npos) return {h->name, h->links.front().ifname};
    std::string which = text.substr(dot + 1);
    for (const auto& l : h->links)
      if (l.ifname == which || l.segment == which) return {h->name, l.ifname};
    throw error(n, "host '" + h->name + "' has no interface or segment '" + which + "'");
  }

  std::string process_ref(const YAML::Node& n) const {
    std::string name = scalar(n, "process");
    if (!sc_.find_process(name)) throw error(n, "unknown process '" + name + "'");
    return name;
  }

  std::string host_ref(const YAML::Node& n) const {
    std::string name = scalar(n, "host");
    if (!sc_.find_host(name)) throw error(n, "unknown host '" + name + "'");
    return name;
  }

  std::string segment_ref(const YAML::Node& n) const {
    std::string name = scalar(n, "segment");
    if (!sc_.find_segment(name)) throw error(n, "unknown segment '" + name + "'");
    return name;
  }

  // The one key of `kinds` present in item (its kind into `kind`, its value returned).
  template <typename Kind>
  YAML::Node one_of(const YAML::Node& item, const std::vector<std::pair<std::string, Kind>>& kinds,
                    Kind& kind, const std::string& what) const {
    int found = 0;
    YAML::Node arg;
    std::string names;
    for (const auto& [key, k] : kinds) {
      names += (names.empty() ? "" : ", ") + key;
      if (item[key]) {
        ++found;
        kind = k;
        arg = item[key];
      }
    }
    if (found != 1) throw error(item, what + " needs exactly one of " + names);
    return arg;
  }

  int signal_number(const YAML::Node& n) const {
    std::string s = scalar(n, "signal");
    static const std::map<std::string, int> names{
        {"KILL", SIGKILL}, {"TERM", SIGTERM}, {"INT", SIGINT},  {"HUP", SIGHUP},
        {"USR1", SIGUSR1}, {"STOP", SIGSTOP}, {"CONT", SIGCONT}};
    std::string key = s.rfind("SIG", 0) == 0 ? s.substr(3) : s;
    if (auto it = names.find(key); it != names.end()) return it->second;
    return static_cast<int>(number(n, "signal", 1, 64));
  }

  void load_timeline(const YAML::Node& seq) {
    static const std::vector<std::pair<std::string, FaultKind>> kinds{
        {"kill", FaultKind::kill},           {"restart", FaultKind::restart},
        {"link_down", FaultKind::link_down}, {"link_up", FaultKind::link_up},
        {"loss", FaultKind::loss},           {"partition", FaultKind::partition},
        {"heal", FaultKind::heal},           {"reschedule", FaultKind::reschedule}};
    for (const auto& item : seq) {
      if (!item.IsMap() || !item["at"])
        throw error(item,
                    "a timeline event is {at: SECONDS, "
                    "<kill|restart|link_down|link_up|loss|partition|heal|reschedule>: ...}");
      check_keys(item,
                 {"at", "kill", "restart", "link_down", "link_up", "loss", "partition", "heal",
                  "reschedule", "signal", "percent", "to"},
                 "timeline event");
      FaultEvent e;
      e.where = at(item);
      e.at = number(item["at"], "at", 0, sc_.duration);
      YAML::Node arg = one_of(item, kinds, e.kind, "a timeline event");
      if (item["signal"] && e.kind != FaultKind::kill)
        throw error(item["signal"], "signal: applies to kill only");
      if (item["percent"] && e.kind != FaultKind::loss)
        throw error(item["percent"], "percent: applies to loss only");
      if (item["to"] && e.kind != FaultKind::reschedule)
        throw error(item["to"], "to: applies to reschedule only");
      switch (e.kind) {
        case FaultKind::kill:
          e.process = process_ref(arg);
          e.signal = item["signal"] ? signal_number(item["signal"]) : SIGKILL;
          break;
        case FaultKind::restart:
          e.process = process_ref(arg);
          break;
        case FaultKind::link_down:
        case FaultKind::link_up:
          std::tie(e.host, e.ifname) = link_ref(arg);
          break;
        case FaultKind::loss:
          std::tie(e.host, e.ifname) = link_ref(arg);
          if (!item["percent"]) throw error(item, "loss needs percent: 0..100");
          e.percent = static_cast<int>(number(item["percent"], "percent", 0, 100));
          break;
        case FaultKind::partition:
        case FaultKind::heal: {
          if (e.kind == FaultKind::heal && arg.IsScalar() && arg.Scalar() == "all") break;
          if (!arg.IsSequence() || arg.size() != 2)
            throw error(arg, to_string(e.kind) + " takes two segment names: [a, b]" +
                                 (e.kind == FaultKind::heal ? " (or all)" : ""));
          e.segment_a = segment_ref(arg[0]);
          e.segment_b = segment_ref(arg[1]);
          if (e.segment_a == e.segment_b)
            throw error(arg, "cannot partition a segment from itself");
          for (const auto& n : {arg[0], arg[1]})
            if (sc_.is_overlay(n.Scalar()))
              throw error(n, "'" + n.Scalar() +
                                 "' is an overlay: partitions act on routers, which overlays "
                                 "have none of (partition the underlay segments, or give a "
                                 "task loss:)");
          // Partitions act on every router; segments no router joins are apart already.
          break;
        }
        case FaultKind::reschedule: {
          e.host = host_ref(arg);
          if (!sc_.find_host(e.host)->is_task())
            throw error(arg, "'" + e.host + "' is not a task (a host with node:): only tasks move");
          if (!item["to"]) throw error(item, "reschedule needs to: NODE (where the task goes)");
          e.node = scalar(item["to"], "to");
          const Host* node = sc_.find_host(e.node);
          if (!node || !node->node) throw error(item["to"], "unknown node '" + e.node + "'");
          break;
        }
      }
      sc_.timeline.push_back(e);
    }
    std::stable_sort(sc_.timeline.begin(), sc_.timeline.end(),
                     [](const FaultEvent& a, const FaultEvent& b) { return a.at < b.at; });
    // A task moves to another node: follow the moves in time order.
    std::map<std::string, std::string> placed;
    for (const auto& h : sc_.hosts)
      if (h.is_task()) placed[h.name] = h.on_node;
    for (const auto& e : sc_.timeline) {
      if (e.kind != FaultKind::reschedule) continue;
      if (placed[e.host] == e.node)
        throw ScenarioError(e.where, "task '" + e.host + "' is on node '" + e.node +
                                         "' already at " + std::to_string(e.at) + "s");
      placed[e.host] = e.node;
    }
  }

  bool boolean(const YAML::Node& n, const std::string& what) const {
    std::string v = scalar(n, what);
    if (v != "true" && v != "false") throw error(n, what + " must be true or false");
    return v == "true";
  }

  std::vector<std::string> extra_args(const YAML::Node& item, const char* key) const {
    if (!item[key]) return {};
    auto args = strings(item[key], key);
    for (const auto& a : args) check_variables(a, at(item[key]), "");
    return args;
  }

  void load_delivery(const YAML::Node& item, const YAML::Node& arg, Expectation& x) const {
    check_keys(
        item,
        {"deliver",       "from",          "to",  "receiver",  "port",           "group",
         "size",          "rate",          "at",  "within",    "idle",           "linger",
         "min_delivered", "max_delivered", "ttl", "hop_limit", "max_duplicates", "keep_source",
         "send_args",     "recv_args",     "cpu", "counters",  "after_previous"},
        "deliver");
    Delivery& d = x.deliver;
    d.count = static_cast<long>(number(arg, "deliver (datagram count)", 1, 1e7));
    for (const char* key : {"from", "to", "receiver"})
      if (!item[key])
        throw error(item, std::string("deliver needs ") + key +
                              ": (from: HOST, to: ADDRESS:PORT, receiver: HOST)");
    d.from = host_ref(item["from"]);
    d.receiver = host_ref(item["receiver"]);
    d.to = scalar(item["to"], "to");
    check_variables(d.to, at(item["to"]), "");
    // The same guard as udp-send's, at load time, so a bad address is a file:line error.
    auto dest = udp::parse_endpoint(substitute(d.to, run_variables(sc_, "/logs", "")));
    if (!dest.error.empty()) throw error(item["to"], "to: " + dest.error);
    if (auto why = udp::destination_refusal(dest.endpoint); !why.empty())
      throw error(item["to"], "to: " + why);
    d.port = item["port"] ? static_cast<long>(number(item["port"], "port", 1, 65535))
                          : dest.endpoint.port();
    if (item["group"]) {
      d.group = scalar(item["group"], "group");
      auto g = udp::parse_endpoint(d.group, false);
      if (!g.error.empty() || !g.endpoint.is_multicast())
        throw error(item["group"], "group: '" + d.group + "' is not a multicast address");
      if (g.endpoint.family() != dest.endpoint.family())
        throw error(item["group"], "group: '" + d.group + "' and to: '" + d.to +
                                       "' are not the same address family");
    }
    if (item["size"]) d.size = static_cast<long>(number(item["size"], "size", 24, 65507));
    if (item["rate"]) d.rate = number(item["rate"], "rate", 0, 1e7);
    if (item["idle"]) d.idle = number(item["idle"], "idle", 0, sc_.duration);
    if (item["linger"]) d.linger = number(item["linger"], "linger", 0, sc_.duration);
    if (item["within"]) x.within = number(item["within"], "within", 0.1, sc_.duration);
    if (item["min_delivered"])
      d.min_delivered = static_cast<long>(number(item["min_delivered"], "min_delivered", 0, 1e7));
    if (item["max_delivered"])
      d.max_delivered = static_cast<long>(number(item["max_delivered"], "max_delivered", 0, 1e7));
    // hop_limit: the IPv6 name of the same check (udp-recv reports either as ttl_*).
    if (item["ttl"] && item["hop_limit"]) throw error(item["hop_limit"], "give ttl: or hop_limit:");
    for (const char* key : {"ttl", "hop_limit"})
      if (item[key]) d.ttl = static_cast<long>(number(item[key], key, 1, 255));
    if (item["max_duplicates"])
      d.max_duplicates =
          static_cast<long>(number(item["max_duplicates"], "max_duplicates", 0, 1e9));
    if (item["keep_source"]) d.keep_source = boolean(item["keep_source"], "keep_source");
    if (item["after_previous"])
      d.after_previous = boolean(item["after_previous"], "after_previous");
    d.send_args = extra_args(item, "send_args");
    d.recv_args = extra_args(item, "recv_args");
    for (auto [key, list] : {std::pair{"cpu", &d.cpu}, std::pair{"counters", &d.counters}}) {
      if (!item[key]) continue;
      for (const auto& p : strings(item[key], key)) {
        if (!sc_.find_process(p)) throw error(item[key], "unknown process '" + p + "'");
        list->push_back(p);
      }
    }
    if (!x.at) x.at = 0;
    if (*x.at + x.within > sc_.duration)
      throw error(item, "at + within (" + std::to_string(*x.at + x.within) + "s) exceeds duration");
  }

  // peer_state: {process: P, peer: ADDRESS, state: STATE, within: S}, `at` inside or
  // beside the mapping (the form of issue 13).
  void load_peer_state(const YAML::Node& item, const YAML::Node& arg, Expectation& x) const {
    check_keys(item, {"peer_state", "at"}, "peer_state");
    if (!arg.IsMap())
      throw error(arg, "peer_state is {process: P, peer: ADDRESS, state: STATE, within: S}");
    check_keys(arg, {"process", "peer", "state", "within", "at"}, "peer_state");
    if (!arg["process"]) throw error(arg, "peer_state needs process: NAME");
    x.process = process_ref(arg["process"]);
    if (!arg["peer"]) throw error(arg, "peer_state needs peer: ADDRESS (or \"${host}\")");
    x.peer = scalar(arg["peer"], "peer");
    check_variables(x.peer, at(arg["peer"]), "");
    if (!arg["state"]) throw error(arg, "peer_state needs state: STATE");
    x.peer_state = scalar(arg["state"], "state");
    static const std::set<std::string> states{"up", "unreachable", "silent", "unknown"};
    if (!states.count(x.peer_state))
      throw error(arg["state"], "state must be one of up, unreachable, silent, unknown (got '" +
                                    x.peer_state + "')");
    if (arg["at"]) {
      if (item["at"]) throw error(arg["at"], "give at: once");
      x.at = number(arg["at"], "at", 0, sc_.duration);
    }
    if (arg["within"]) {
      x.poll = true;
      x.within = number(arg["within"], "within", 0.1, sc_.duration);
      if (!x.at) x.at = 0;
      if (*x.at + x.within > sc_.duration)
        throw error(item,
                    "at + within (" + std::to_string(*x.at + x.within) + "s) exceeds duration");
    }
  }

  void load_expectations(const YAML::Node& seq) {
    static const std::vector<std::pair<std::string, ExpectKind>> kinds{
        {"discover", ExpectKind::discover},
        {"no_discover", ExpectKind::no_discover},
        {"max_copies", ExpectKind::max_copies},
        {"counter", ExpectKind::counter},
        {"log", ExpectKind::log},
        {"deliver", ExpectKind::deliver},
        {"peer_state", ExpectKind::peer_state},
        {"monitor", ExpectKind::monitor}};
    for (const auto& item : seq) {
      if (!item.IsMap())
        throw error(item, "an expectation is a mapping, e.g. {discover: PV, client: HOST}");
      Expectation x;
      x.where = at(item);
      YAML::Node arg = one_of(item, kinds, x.kind, "an expectation");
      if (item["at"]) x.at = number(item["at"], "at", 0, sc_.duration);
      switch (x.kind) {
        case ExpectKind::discover:
        case ExpectKind::no_discover:
        case ExpectKind::monitor:
          if (x.kind == ExpectKind::monitor) {
            check_keys(item,
                       {"monitor", "client", "from", "at", "within", "args", "min_updates",
                        "min_reconnects"},
                       "monitor");
            if (item["min_updates"])
              x.min_updates = static_cast<long>(number(item["min_updates"], "min_updates", 1, 1e9));
            if (item["min_reconnects"])
              x.min_reconnects =
                  static_cast<long>(number(item["min_reconnects"], "min_reconnects", 0, 1e6));
          } else if (x.kind == ExpectKind::discover) {
            check_keys(item,
                       {"discover", "client", "from", "at", "within", "args", "min_datagram_bytes",
                        "value"},
                       "discover");
            if (item["value"]) x.pv_value = number(item["value"], "value", -1e300, 1e300);
          } else {
            check_keys(
                item,
                {to_string(x.kind), "client", "from", "at", "within", "args", "min_datagram_bytes"},
                to_string(x.kind));
          }
          x.pvs = strings(arg, "PV names");
          if (x.pvs.empty()) throw error(arg, "no PV names given");
          if (!item["client"])
            throw error(item, to_string(x.kind) + " needs client: HOST (where pva-client runs)");
          x.client = host_ref(item["client"]);
          if (item["from"]) x.server = host_ref(item["from"]);
          if (item["within"]) x.within = number(item["within"], "within", 0.1, sc_.duration);
          if (item["min_datagram_bytes"])
            x.min_datagram_bytes = static_cast<long>(
                number(item["min_datagram_bytes"], "min_datagram_bytes", 0, 65535));
          if (item["args"]) {
            x.client_args = strings(item["args"], "args");
            for (const auto& a : x.client_args) check_variables(a, at(item["args"]), "");
          }
          if (!x.at) x.at = 0;
          if (*x.at + x.within > sc_.duration)
            throw error(item,
                        "at + within (" + std::to_string(*x.at + x.within) + "s) exceeds duration");
          break;
        case ExpectKind::max_copies:
          check_keys(item, {"max_copies", "segment", "node", "min_datagrams"}, "max_copies");
          x.max_copies = static_cast<long>(number(arg, "max_copies", 1, 1e9));
          if (!item["segment"]) throw error(item, "max_copies needs segment: NAME");
          x.segment = segment_ref(item["segment"]);
          // An overlay has one bridge per node: which one is watched must be said.
          if (sc_.is_overlay(x.segment) && !item["node"])
            throw error(item, "max_copies on overlay '" + x.segment +
                                  "' needs node: NODE (an overlay has one bridge per node)");
          if (item["node"]) {
            if (!sc_.is_overlay(x.segment))
              throw error(item["node"], "node: applies to an overlay; '" + x.segment +
                                            "' is a segment (one bridge)");
            x.node = scalar(item["node"], "node");
            const Host* node = sc_.find_host(x.node);
            if (!node || !node->node) throw error(item["node"], "unknown node '" + x.node + "'");
          }
          if (item["min_datagrams"])
            x.min_datagrams =
                static_cast<long>(number(item["min_datagrams"], "min_datagrams", 0, 1e9));
          break;
        case ExpectKind::counter: {
          check_keys(item, {"counter", "process", "op", "value", "at"}, "counter");
          x.counter = scalar(arg, "counter");
          if (!item["process"]) throw error(item, "counter needs process: NAME");
          x.process = process_ref(item["process"]);
          if (item["op"]) x.op = scalar(item["op"], "op");
          static const std::set<std::string> ops{">=", "<=", "==", "!=", ">", "<"};
          if (!ops.count(x.op)) throw error(item["op"], "op must be one of >= <= == != > <");
          if (!item["value"]) throw error(item, "counter needs value: NUMBER");
          x.value = number(item["value"], "value", -1e18, 1e18);
          break;
        }
        case ExpectKind::log:
          check_keys(item, {"log", "process", "at"}, "log");
          x.text = scalar(arg, "log text");
          if (x.text.empty()) throw error(arg, "log text is empty");
          if (!item["process"]) throw error(item, "log needs process: NAME");
          x.process = process_ref(item["process"]);
          break;
        case ExpectKind::deliver:
          load_delivery(item, arg, x);
          break;
        case ExpectKind::peer_state:
          load_peer_state(item, arg, x);
          break;
      }
      sc_.expectations.push_back(x);
    }
  }
};

}  // namespace

Scenario parse_scenario(const std::string& yaml_text, const std::string& file_name) {
  return Loader(file_name).load(yaml_text);
}

Scenario load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(SourceLocation{path, 0}, "cannot read scenario file");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_scenario(buf.str(), path);
}

}  // namespace netsim
