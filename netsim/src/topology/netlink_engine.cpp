// The netlink engine: rtnetlink requests built and sent with libmnl, one request and
// its acknowledgement per step, in the namespace the step belongs to.
//
// Namespaces: a netlink or ioctl socket belongs to the netns its creator was in when it
// was created, so the engine keeps one pair of sockets per namespace, created after a
// setns() of the calling thread and followed by a setns() back. /proc/sys/net files are
// likewise resolved against the opener's netns. Nothing forks.
//
// Errors: the kernel's answer (errno, and the extended-ack text when the kernel gives
// one) with the step in iproute2 syntax.
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "netsim/link_engine.h"

namespace netsim {

namespace {

std::string where(const Netns& ns, const std::vector<std::string>& step) {
  return ns.label + ": " + steps::text(step);
}

// Every world link this engine makes joins this link group, so teardown deletes them
// all with one request: the kernel unregisters a group as one batch, where deleting
// links one by one waits for an RCU grace period per link (~25 ms each).
constexpr uint32_t kWorldLinkGroup = 0x6e73;  // "ns"

[[noreturn]] void fail(const std::string& what, int err, const std::string& detail = "") {
  throw std::runtime_error(what + ": " + strerror(err) +
                           (detail.empty() ? "" : " (" + detail + ")"));
}

// An address as the kernel wants it: family and network-order bytes.
struct Address {
  int family = AF_UNSPEC;
  unsigned char bytes[16] = {};
  unsigned prefix = 0;
  std::size_t size() const { return family == AF_INET6 ? 16 : 4; }
};

bool parse_address(const std::string& text, Address& out) {
  auto slash = text.find('/');
  std::string host = text.substr(0, slash);
  if (inet_pton(AF_INET, host.c_str(), out.bytes) == 1)
    out.family = AF_INET;
  else if (inet_pton(AF_INET6, host.c_str(), out.bytes) == 1)
    out.family = AF_INET6;
  else
    return false;
  const unsigned max = out.family == AF_INET6 ? 128 : 32;
  out.prefix = max;
  if (slash != std::string::npos) {
    try {
      std::size_t used = 0;
      unsigned long p = std::stoul(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1 || p > max) return false;
      out.prefix = static_cast<unsigned>(p);
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

Address parsed(const std::string& text, const std::string& step) {
  Address a;
  if (!parse_address(text, a)) throw std::runtime_error(step + ": not an address: " + text);
  return a;
}

struct Mac {
  unsigned char bytes[6] = {};
};

Mac parsed_mac(const std::string& text, const std::string& step) {
  Mac m;
  unsigned b[6];
  char end = 0;
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5], &end) != 6)
    throw std::runtime_error(step + ": not a MAC address: " + text);
  for (int i = 0; i < 6; ++i) m.bytes[i] = static_cast<unsigned char>(b[i]);
  return m;
}

// Moves the calling thread into a netns for its lifetime, then back to the world.
class InNetns {
 public:
  InNetns(int target, int world) : world_(world), moved_(target >= 0) {
    if (moved_ && setns(target, CLONE_NEWNET) != 0)
      throw std::runtime_error(std::string("cannot enter a host's network namespace: ") +
                               strerror(errno));
  }
  ~InNetns() {
    // Staying in a host's netns would send every later step to the wrong place.
    if (moved_ && setns(world_, CLONE_NEWNET) != 0) {
      spdlog::critical("cannot return to the world network namespace: {}", strerror(errno));
      std::abort();
    }
  }
  InNetns(const InNetns&) = delete;
  InNetns& operator=(const InNetns&) = delete;

 private:
  int world_;
  bool moved_;
};

class NetlinkEngine : public LinkEngine {
 public:
  NetlinkEngine() {
    world_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (world_fd_ < 0)
      throw std::runtime_error(std::string("cannot open /proc/thread-self/ns/net: ") +
                               strerror(errno));
  }
  ~NetlinkEngine() override {
    for (auto& [fd, s] : sockets_) close_sockets(s);
    close(world_fd_);
  }
  NetlinkEngine(const NetlinkEngine&) = delete;
  NetlinkEngine& operator=(const NetlinkEngine&) = delete;

  EngineKind kind() const override { return EngineKind::netlink; }

  void add_bridge(const std::string& name) override {
    const Netns world;
    const std::string step = where(world, steps::add_bridge(name));
    Message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_GROUP, kWorldLinkGroup);
    nlattr* info = mnl_attr_nest_start(m.nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(m.nlh, IFLA_INFO_KIND, "bridge");
    nlattr* data = mnl_attr_nest_start(m.nlh, IFLA_INFO_DATA);
    mnl_attr_put_u32(m.nlh, IFLA_BR_STP_STATE, 0);
    mnl_attr_put_u32(m.nlh, IFLA_BR_FORWARD_DELAY, 0);
    mnl_attr_nest_end(m.nlh, data);
    mnl_attr_nest_end(m.nlh, info);
    request(world, m, step);
  }

  void add_veth(const std::string& name, const std::string& peer, const Netns& peer_ns) override {
    const Netns world;
    const std::string step = where(world, steps::add_veth(name, peer, peer_ns));
    Message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_GROUP, kWorldLinkGroup);
    nlattr* info = mnl_attr_nest_start(m.nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(m.nlh, IFLA_INFO_KIND, "veth");
    nlattr* data = mnl_attr_nest_start(m.nlh, IFLA_INFO_DATA);
    // The peer's own link message: its name, and the netns it is born in.
    nlattr* peer_info = mnl_attr_nest_start(m.nlh, VETH_INFO_PEER);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, peer.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_ns.fd));
    mnl_attr_nest_end(m.nlh, peer_info);
    mnl_attr_nest_end(m.nlh, data);
    mnl_attr_nest_end(m.nlh, info);
    request(world, m, step);
  }

  void add_vxlan(const std::string& name, const VxlanSpec& spec, const Netns& socket_ns) override {
    // Sent from the node's own socket, so the device's UDP socket (and its source
    // address) belong to the node; IFLA_NET_NS_FD places the device in the world.
    const std::string step = where(socket_ns, steps::add_vxlan(name, spec, "world"));
    const Address local = parsed(spec.local, step);
    if (local.family != AF_INET) throw std::runtime_error(step + ": the endpoint must be IPv4");
    Message m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_MTU, static_cast<uint32_t>(spec.mtu));
    mnl_attr_put_u32(m.nlh, IFLA_GROUP, kWorldLinkGroup);
    mnl_attr_put_u32(m.nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(world_fd_));
    nlattr* info = mnl_attr_nest_start(m.nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(m.nlh, IFLA_INFO_KIND, "vxlan");
    nlattr* data = mnl_attr_nest_start(m.nlh, IFLA_INFO_DATA);
    mnl_attr_put_u32(m.nlh, IFLA_VXLAN_ID, spec.vni);
    mnl_attr_put(m.nlh, IFLA_VXLAN_LOCAL, 4, local.bytes);
    mnl_attr_put_u16(m.nlh, IFLA_VXLAN_PORT, htons(spec.port));  // network order
    mnl_attr_put_u8(m.nlh, IFLA_VXLAN_LEARNING, 0);
    mnl_attr_put_u8(m.nlh, IFLA_VXLAN_PROXY, 1);
    mnl_attr_nest_end(m.nlh, data);
    mnl_attr_nest_end(m.nlh, info);
    request(socket_ns, m, step);
  }

  void set_mtu(const Netns& ns, const std::string& ifname, int mtu) override {
    const std::string step = where(ns, steps::set_mtu(ifname, mtu));
    Message m(RTM_NEWLINK, 0);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, ifname.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_MTU, static_cast<uint32_t>(mtu));
    request(ns, m, step);
  }

  void set_mac(const Netns& ns, const std::string& ifname, const std::string& mac) override {
    const std::string step = where(ns, steps::set_mac(ifname, mac));
    const Mac a = parsed_mac(mac, step);
    Message m(RTM_NEWLINK, 0);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, ifname.c_str());
    mnl_attr_put(m.nlh, IFLA_ADDRESS, sizeof a.bytes, a.bytes);
    request(ns, m, step);
  }

  void add_fdb(const std::string& dev, const std::string& mac, const std::string& dst,
               bool append) override {
    fdb(RTM_NEWNEIGH, NLM_F_CREATE | (append ? NLM_F_APPEND : NLM_F_EXCL), dev, mac, dst,
        steps::add_fdb(dev, mac, dst, append));
  }

  void del_fdb(const std::string& dev, const std::string& mac, const std::string& dst) override {
    fdb(RTM_DELNEIGH, 0, dev, mac, dst, steps::del_fdb(dev, mac, dst));
  }

  void add_neighbour(const std::string& dev, const std::string& ip,
                     const std::string& mac) override {
    neighbour(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, dev, ip, &mac,
              steps::add_neighbour(dev, ip, mac));
  }

  void del_neighbour(const std::string& dev, const std::string& ip) override {
    neighbour(RTM_DELNEIGH, 0, dev, ip, nullptr, steps::del_neighbour(dev, ip));
  }

  void delete_link(const std::string& name) override {
    std::vector<std::string> problems;
    if (!delete_one(name, problems)) throw std::runtime_error(problems.front());
  }

  void set_master(const std::string& port, const std::string& bridge) override {
    const Netns world;
    const std::string step = where(world, steps::set_master(port, bridge));
    const unsigned master = ifindex(world, bridge, step);
    Message m(RTM_NEWLINK, 0);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, port.c_str());
    mnl_attr_put_u32(m.nlh, IFLA_MASTER, master);
    request(world, m, step);
  }

  void set_link_up(const Netns& ns, const std::string& ifname, bool up) override {
    const std::string step = where(ns, steps::set_link_up(ifname, up));
    Message m(RTM_NEWLINK, 0);
    ifinfomsg* ifi = m.link_header();
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, ifname.c_str());
    request(ns, m, step);
  }

  void add_address(const Netns& ns, const std::string& ifname, const std::string& cidr,
                   const std::string& broadcast) override {
    const std::string step = where(ns, steps::add_address(ifname, cidr, broadcast));
    const Address a = parsed(cidr, step);
    Message m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = static_cast<unsigned char>(a.family);
    ifa->ifa_prefixlen = static_cast<unsigned char>(a.prefix);
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    // IPv6: no duplicate address detection (`ip addr add ... nodad`), so the address is
    // usable at once instead of "tentative" for a second; nobody else picks netsim's.
    if (a.family == AF_INET6) ifa->ifa_flags = IFA_F_NODAD;
    ifa->ifa_index = ifindex(ns, ifname, step);
    mnl_attr_put(m.nlh, IFA_LOCAL, a.size(), a.bytes);
    mnl_attr_put(m.nlh, IFA_ADDRESS, a.size(), a.bytes);
    if (!broadcast.empty()) {
      const Address b = parsed(broadcast, step);
      mnl_attr_put(m.nlh, IFA_BROADCAST, b.size(), b.bytes);
    }
    request(ns, m, step);
  }

  void add_route(const Netns& ns, const std::string& to, const std::string& via) override {
    const std::string step = where(ns, steps::add_route(to, via));
    const Address gw = parsed(via, step);
    Address dst;
    dst.family = gw.family;  // "default": prefix 0 of the gateway's family
    if (to != "default") dst = parsed(to, step);
    if (dst.family != gw.family) throw std::runtime_error(step + ": mixes address families");
    Message m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
    auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(rtmsg)));
    // What `ip route add` sends: main table, boot protocol, universe scope, unicast.
    rtm->rtm_family = static_cast<unsigned char>(gw.family);
    rtm->rtm_dst_len = static_cast<unsigned char>(dst.prefix);
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_scope = RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    if (dst.prefix > 0) mnl_attr_put(m.nlh, RTA_DST, dst.size(), dst.bytes);
    mnl_attr_put(m.nlh, RTA_GATEWAY, gw.size(), gw.bytes);
    request(ns, m, step);
  }

  void write_sysctl(const Netns& ns, const std::string& proc_path,
                    const std::string& value) override {
    const std::string step = ns.label + ": sysctl " + proc_path + "=" + value;
    spdlog::debug("{}", step);
    int fd;
    {
      InNetns in(ns.fd, world_fd_);
      fd = open(proc_path.c_str(), O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0) fail(step, errno);
    ssize_t n = write(fd, value.data(), value.size());
    int err = errno;
    close(fd);
    if (n != static_cast<ssize_t>(value.size())) fail(step, n < 0 ? err : EIO);
  }

  void disable_tx_checksum_offload(const Netns& ns, const std::string& ifname) override {
    const std::string step = ns.label + ": ethtool -K " + ifname + " tx off";
    spdlog::debug("{}", step);
    ifreq ifr{};
    set_name(ifr, ifname, step);
    ethtool_value value{ETHTOOL_STXCSUM, 0};
    ifr.ifr_data = reinterpret_cast<char*>(&value);
    if (ioctl(sockets(ns).ioctl_fd, SIOCETHTOOL, &ifr) != 0) fail(step, errno);
  }

  int delete_links(const std::vector<std::string>& names,
                   std::vector<std::string>& problems) override {
    if (names.empty()) return 0;
    const Netns world;
    const std::string step = "world: link del group " + std::to_string(kWorldLinkGroup);
    Message m(RTM_DELLINK, 0);
    m.link_header();
    mnl_attr_put_u32(m.nlh, IFLA_GROUP, kWorldLinkGroup);
    try {
      request(world, m, step);
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
    // Count what is really gone; delete any survivor on its own.
    int deleted = 0;
    for (const auto& name : names) {
      if (exists(world, name) && !delete_one(name, problems)) continue;
      ++deleted;
    }
    return deleted;
  }

  Netns add_netns(const std::string& label) override {
    const std::string step = label + ": a new network namespace";
    spdlog::debug("{}", step);
    Netns ns;
    ns.label = label;
    // The calling thread moves into the new netns, opens it, and comes back; the open
    // fd alone keeps the namespace alive. No process.
    if (unshare(CLONE_NEWNET) != 0) fail(step, errno);
    ns.fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int err = errno;
    if (setns(world_fd_, CLONE_NEWNET) != 0) {
      spdlog::critical("cannot return to the world network namespace: {}", strerror(errno));
      std::abort();
    }
    if (ns.fd < 0) fail(step, err);
    struct stat st {};
    if (fstat(ns.fd, &st) == 0) ns.inode = st.st_ino;
    return ns;
  }

  bool release_netns(const Netns& ns) override {
    auto it = sockets_.find(ns.fd);
    if (it != sockets_.end()) {
      close_sockets(it->second);
      sockets_.erase(it);
    }
    // The last reference (no process is left inside): the kernel takes the namespace,
    // and everything in it, down.
    return close(ns.fd) == 0;
  }

 private:
  struct Sockets {
    mnl_socket* nl = nullptr;
    int ioctl_fd = -1;
  };

  // One request under construction, in a buffer big enough for any of ours.
  struct Message {
    std::vector<char> buf = std::vector<char>(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* nlh;
    Message(uint16_t type, uint16_t flags) {
      nlh = mnl_nlmsg_put_header(buf.data());
      nlh->nlmsg_type = type;
      nlh->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    }
    ifinfomsg* link_header() {
      auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
      ifi->ifi_family = AF_UNSPEC;
      return ifi;
    }
  };

  int world_fd_ = -1;
  unsigned seq_ = 0;
  std::map<int, Sockets> sockets_;  // by netns fd; -1 is the world

  static void close_sockets(Sockets& s) {
    if (s.nl) mnl_socket_close(s.nl);
    if (s.ioctl_fd >= 0) close(s.ioctl_fd);
    s = Sockets{};
  }

  static void set_name(ifreq& ifr, const std::string& ifname, const std::string& step) {
    if (ifname.size() >= sizeof ifr.ifr_name)
      throw std::runtime_error(step + ": interface name too long");
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size());
  }

  Sockets& sockets(const Netns& ns) {
    auto it = sockets_.find(ns.fd);
    if (it != sockets_.end()) return it->second;
    Sockets s;
    {
      InNetns in(ns.fd, world_fd_);
      s.nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
      if (s.nl) s.ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }
    int err = errno;
    if (!s.nl || s.ioctl_fd < 0 || mnl_socket_bind(s.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
      err = errno;
      close_sockets(s);
      fail(ns.label + ": cannot open netlink sockets", err);
    }
    // Ask for the kernel's own words on errors (extended ack); older kernels ignore it.
    int one = 1;
    mnl_socket_setsockopt(s.nl, NETLINK_EXT_ACK, &one, sizeof one);
    return sockets_[ns.fd] = s;
  }

  bool exists(const Netns& ns, const std::string& ifname) {
    ifreq ifr{};
    set_name(ifr, ifname, ifname);
    return ioctl(sockets(ns).ioctl_fd, SIOCGIFINDEX, &ifr) == 0;
  }

  bool delete_one(const std::string& name, std::vector<std::string>& problems) {
    const Netns world;
    Message m(RTM_DELLINK, 0);
    m.link_header();
    mnl_attr_put_strz(m.nlh, IFLA_IFNAME, name.c_str());
    try {
      request(world, m, where(world, steps::delete_link(name)));
      return true;
    } catch (const std::exception& e) {
      problems.push_back(e.what());
      return false;
    }
  }

  // An entry of a world device's bridge forwarding table (AF_BRIDGE, NTF_SELF: the
  // VXLAN device's own table, not the bridge's), as `bridge fdb` sends it.
  void fdb(uint16_t type, uint16_t flags, const std::string& dev, const std::string& mac,
           const std::string& dst, const std::vector<std::string>& text) {
    const Netns world;
    const std::string step = where(world, text);
    const Mac a = parsed_mac(mac, step);
    const Address d = parsed(dst, step);
    Message m(type, flags);
    auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ndmsg)));
    ndm->ndm_family = AF_BRIDGE;
    ndm->ndm_ifindex = static_cast<int>(ifindex(world, dev, step));
    ndm->ndm_state = NUD_PERMANENT;
    ndm->ndm_flags = NTF_SELF;
    mnl_attr_put(m.nlh, NDA_LLADDR, sizeof a.bytes, a.bytes);
    mnl_attr_put(m.nlh, NDA_DST, d.size(), d.bytes);
    request(world, m, step);
  }

  // A permanent neighbour entry on a world device (mac null: deletion).
  void neighbour(uint16_t type, uint16_t flags, const std::string& dev, const std::string& ip,
                 const std::string* mac, const std::vector<std::string>& text) {
    const Netns world;
    const std::string step = where(world, text);
    const Address a = parsed(ip, step);
    Message m(type, flags);
    auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(m.nlh, sizeof(ndmsg)));
    ndm->ndm_family = static_cast<unsigned char>(a.family);
    ndm->ndm_ifindex = static_cast<int>(ifindex(world, dev, step));
    ndm->ndm_state = NUD_PERMANENT;
    mnl_attr_put(m.nlh, NDA_DST, a.size(), a.bytes);
    if (mac) {
      const Mac l = parsed_mac(*mac, step);
      mnl_attr_put(m.nlh, NDA_LLADDR, sizeof l.bytes, l.bytes);
    }
    request(world, m, step);
  }

  unsigned ifindex(const Netns& ns, const std::string& ifname, const std::string& step) {
    ifreq ifr{};
    set_name(ifr, ifname, step);
    if (ioctl(sockets(ns).ioctl_fd, SIOCGIFINDEX, &ifr) != 0) fail(step, errno, "no " + ifname);
    return static_cast<unsigned>(ifr.ifr_ifindex);
  }

  static std::string extended_ack(const nlmsghdr* reply, const nlmsgerr* err) {
    if (!(reply->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
    std::size_t offset = sizeof(nlmsgerr);
    if (!(reply->nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
    std::string text;
    const char* begin =
        static_cast<const char*>(mnl_nlmsg_get_payload_offset(reply, MNL_ALIGN(offset)));
    const char* end = static_cast<const char*>(mnl_nlmsg_get_payload_tail(reply));
    for (auto* attr = reinterpret_cast<const nlattr*>(begin);
         begin < end &&
         mnl_attr_ok(attr, static_cast<int>(end - reinterpret_cast<const char*>(attr)));
         attr = mnl_attr_next(attr)) {
      if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
          mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
        text = mnl_attr_get_str(attr);
    }
    return text;
  }

  // Sends one request and waits for its acknowledgement; throws with the kernel's reason.
  void request(const Netns& ns, Message& m, const std::string& step) {
    spdlog::debug("{}", step);
    Sockets& s = sockets(ns);
    m.nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(s.nl, m.nlh, m.nlh->nlmsg_len) < 0) fail(step, errno);
    std::vector<char> reply(MNL_SOCKET_BUFFER_SIZE);
    for (;;) {
      ssize_t n = mnl_socket_recvfrom(s.nl, reply.data(), reply.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(step, errno, "no answer from the kernel");
      }
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<const nlmsghdr*>(reply.data()); mnl_nlmsg_ok(h, len);
           h = mnl_nlmsg_next(h, &len)) {
        if (h->nlmsg_seq != seq_ || h->nlmsg_type != NLMSG_ERROR) continue;
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(h));
        if (err->error == 0) return;
        fail(step, -err->error, extended_ack(h, err));
      }
    }
  }
};

}  // namespace

std::unique_ptr<LinkEngine> make_netlink_engine() {
  return std::make_unique<NetlinkEngine>();
}

}  // namespace netsim
