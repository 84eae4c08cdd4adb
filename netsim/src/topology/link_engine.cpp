// The engine choice, the step texts, and the ip engine (one `ip` process per step).
#include "netsim/link_engine.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "netsim/namespaces.h"

namespace netsim {

std::unique_ptr<LinkEngine> make_netlink_engine();  // netlink_engine.cpp

EngineKind parse_engine(const std::string& name) {
  if (name == "netlink") return EngineKind::netlink;
  if (name == "ip") return EngineKind::ip;
  throw std::invalid_argument("unknown topology engine '" + name + "' (netlink or ip)");
}

std::string to_string(EngineKind kind) {
  return kind == EngineKind::ip ? "ip" : "netlink";
}

EngineKind engine_from_environment() {
  const char* env = getenv("NETSIM_ENGINE");
  return env && *env ? parse_engine(env) : EngineKind::netlink;
}

namespace steps {
std::vector<std::string> add_bridge(const std::string& name) {
  return {"link", "add", name, "type", "bridge", "stp_state", "0", "forward_delay", "0"};
}
std::vector<std::string> add_veth(const std::string& name, const std::string& peer,
                                  const Netns& peer_ns) {
  // ip names a namespace by a process in it; the netlink engine's have none.
  return {
      "link", "add",  name, "type",  "veth",
      "peer", "name", peer, "netns", peer_ns.pid > 0 ? std::to_string(peer_ns.pid) : peer_ns.label};
}
std::vector<std::string> set_master(const std::string& port, const std::string& bridge) {
  return {"link", "set", port, "master", bridge};
}
std::vector<std::string> set_link_up(const std::string& ifname, bool up) {
  return {"link", "set", ifname, up ? "up" : "down"};
}
std::vector<std::string> add_address(const std::string& ifname, const std::string& cidr,
                                     const std::string& broadcast) {
  std::vector<std::string> args{"addr", "add", cidr};
  if (!broadcast.empty()) args.insert(args.end(), {"broadcast", broadcast});
  args.insert(args.end(), {"dev", ifname});
  // IPv6 (the only family with ':'): usable at once, not tentative while DAD runs.
  if (cidr.find(':') != std::string::npos) args.push_back("nodad");
  return args;
}
std::vector<std::string> add_route(const std::string& to, const std::string& via) {
  return {"route", "add", to, "via", via};
}
std::vector<std::string> delete_link(const std::string& name) {
  return {"link", "del", name};
}
std::vector<std::string> add_vxlan(const std::string& name, const VxlanSpec& spec,
                                   const std::string& world) {
  return {"link",
          "add",
          name,
          "netns",
          world,
          "mtu",
          std::to_string(spec.mtu),
          "type",
          "vxlan",
          "id",
          std::to_string(spec.vni),
          "local",
          spec.local,
          "dstport",
          std::to_string(spec.port),
          "nolearning",
          "proxy"};
}
std::vector<std::string> set_mtu(const std::string& ifname, int mtu) {
  return {"link", "set", "dev", ifname, "mtu", std::to_string(mtu)};
}
std::vector<std::string> set_mac(const std::string& ifname, const std::string& mac) {
  return {"link", "set", "dev", ifname, "address", mac};
}
std::vector<std::string> add_fdb(const std::string& dev, const std::string& mac,
                                 const std::string& dst, bool append) {
  return {"bridge", "fdb",      append ? "append" : "add", mac, "dev", dev, "dst", dst,
          "self",   "permanent"};
}
std::vector<std::string> del_fdb(const std::string& dev, const std::string& mac,
                                 const std::string& dst) {
  return {"bridge", "fdb", "del", mac, "dev", dev, "dst", dst, "self"};
}
std::vector<std::string> add_neighbour(const std::string& dev, const std::string& ip,
                                       const std::string& mac) {
  return {"neigh", "add", ip, "lladdr", mac, "dev", dev, "nud", "permanent"};
}
std::vector<std::string> del_neighbour(const std::string& dev, const std::string& ip) {
  return {"neigh", "del", ip, "dev", dev};
}
std::string text(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}
}  // namespace steps

namespace {

// One `ip` process per step (plus a fork for sysctls and offloads): simple, slow.
class IpEngine : public LinkEngine {
 public:
  IpEngine() : ip_(find_tool("ip")) {}
  EngineKind kind() const override { return EngineKind::ip; }

  Netns add_netns(const std::string& label) override {
    NetnsAnchor a = spawn_netns_anchor();
    spdlog::debug("{}: netns held by anchor pid {}", label, a.pid);
    return Netns{a.fd, label, a.pid, a.inode};
  }
  bool release_netns(const Netns& ns) override {
    close(ns.fd);
    kill(ns.pid, SIGKILL);
    int status = 0;
    return waitpid(ns.pid, &status, 0) == ns.pid;
  }

  void add_bridge(const std::string& name) override { ip(Netns{}, steps::add_bridge(name)); }
  void add_veth(const std::string& name, const std::string& peer, const Netns& peer_ns) override {
    ip(Netns{}, steps::add_veth(name, peer, peer_ns));
  }
  void set_master(const std::string& port, const std::string& bridge) override {
    ip(Netns{}, steps::set_master(port, bridge));
  }
  void set_link_up(const Netns& ns, const std::string& ifname, bool up) override {
    ip(ns, steps::set_link_up(ifname, up));
  }
  void add_address(const Netns& ns, const std::string& ifname, const std::string& cidr,
                   const std::string& broadcast) override {
    ip(ns, steps::add_address(ifname, cidr, broadcast));
  }
  void add_route(const Netns& ns, const std::string& to, const std::string& via) override {
    ip(ns, steps::add_route(to, via));
  }
  void write_sysctl(const Netns& ns, const std::string& proc_path,
                    const std::string& value) override {
    spdlog::debug("{}: sysctl {}={}", ns.label, proc_path, value);
    netsim::write_sysctl(ns.fd, proc_path, value);
  }
  void disable_tx_checksum_offload(const Netns& ns, const std::string& ifname) override {
    spdlog::debug("{}: ethtool -K {} tx off", ns.label, ifname);
    netsim::disable_tx_checksum_offload(ns.fd, ifname);
  }
  void add_vxlan(const std::string& name, const VxlanSpec& spec, const Netns& socket_ns) override {
    // ip names the world by a process in it: netsim itself.
    ip(socket_ns, steps::add_vxlan(name, spec, std::to_string(getpid())));
  }
  void set_mtu(const Netns& ns, const std::string& ifname, int mtu) override {
    ip(ns, steps::set_mtu(ifname, mtu));
  }
  void set_mac(const Netns& ns, const std::string& ifname, const std::string& mac) override {
    ip(ns, steps::set_mac(ifname, mac));
  }
  void add_fdb(const std::string& dev, const std::string& mac, const std::string& dst,
               bool append) override {
    ip(Netns{}, steps::add_fdb(dev, mac, dst, append));
  }
  void del_fdb(const std::string& dev, const std::string& mac, const std::string& dst) override {
    ip(Netns{}, steps::del_fdb(dev, mac, dst));
  }
  void add_neighbour(const std::string& dev, const std::string& address,
                     const std::string& mac) override {
    ip(Netns{}, steps::add_neighbour(dev, address, mac));
  }
  void del_neighbour(const std::string& dev, const std::string& address) override {
    ip(Netns{}, steps::del_neighbour(dev, address));
  }
  void delete_link(const std::string& name) override { ip(Netns{}, steps::delete_link(name)); }

  int delete_links(const std::vector<std::string>& names,
                   std::vector<std::string>& problems) override {
    int deleted = 0;
    for (const auto& name : names) {
      auto args = steps::delete_link(name);
      spdlog::debug("world: {}", steps::text(args));
      args.insert(args.begin(), ip_);
      auto r = run_command(-1, args);
      if (r.status == 0)
        ++deleted;
      else
        problems.push_back("ip " + steps::text(steps::delete_link(name)) + ": " + r.output);
    }
    return deleted;
  }

 private:
  std::string ip_;
  std::string bridge_;  // found on first use: only overlays need it

  // `bridge` for the steps that start with it (fdb), `ip` for the rest.
  void ip(const Netns& ns, std::vector<std::string> args) {
    spdlog::debug("{}: {}", ns.label, steps::text(args));
    if (args.front() == "bridge") {
      if (bridge_.empty()) bridge_ = find_tool("bridge");
      args.front() = bridge_;
    } else {
      args.insert(args.begin(), ip_);
    }
    try {
      run_checked(ns.fd, args);
    } catch (const std::exception& e) {
      throw std::runtime_error(ns.label + ": " + e.what());
    }
  }
};

}  // namespace

std::unique_ptr<LinkEngine> make_link_engine(EngineKind kind) {
  if (kind == EngineKind::ip) return std::make_unique<IpEngine>();
  return make_netlink_engine();
}

}  // namespace netsim
