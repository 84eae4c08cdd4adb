#include "netsim/topology.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace netsim {

namespace {
// Linux interface names are at most 15 characters; indices keep them unique.
std::string bridge_name(std::size_t index) {
  return "nsbr" + std::to_string(index + 1);
}
std::string port_name(std::size_t host_index, std::size_t link_index) {
  return "nsv" + std::to_string(host_index + 1) + "p" + std::to_string(link_index);
}
}  // namespace

Topology::Topology(const Scenario& scenario) : sc_(scenario) {}

Topology::~Topology() {
  if (!anchors_.empty() || !world_links_.empty()) teardown();
}

void Topology::build() {
  const std::string ip = find_tool("ip");
  run_checked(-1, {ip, "link", "set", "lo", "up"});
  for (std::size_t i = 0; i < sc_.segments.size(); ++i) {
    const auto& seg = sc_.segments[i];
    std::string br = bridge_name(i);
    run_checked(-1,
                {ip, "link", "add", br, "type", "bridge", "stp_state", "0", "forward_delay", "0"});
    world_links_.push_back(br);
    bridges_[seg.name] = br;
    run_checked(-1, {ip, "link", "set", br, "up"});
    spdlog::debug("segment {}: bridge {} ({})", seg.name, br, to_string(seg.subnet));
  }
  for (std::size_t h = 0; h < sc_.hosts.size(); ++h) {
    const Host& host = sc_.hosts[h];
    NetnsAnchor anchor = spawn_netns_anchor();
    anchors_[host.name] = anchor;
    const int fd = anchor.fd;
    run_checked(fd, {ip, "link", "set", "lo", "up"});
    for (std::size_t l = 0; l < host.links.size(); ++l) {
      const Attachment& link = host.links[l];
      std::string port = port_name(h, l);
      // Create the pair with the host end already inside the host's netns, named ethN.
      run_checked(-1, {ip, "link", "add", port, "type", "veth", "peer", "name", link.ifname,
                       "netns", std::to_string(anchor.pid)});
      world_links_.push_back(port);
      ports_[host.name + "." + link.ifname] = port;
      run_checked(-1, {ip, "link", "set", port, "master", bridges_.at(link.segment)});
      run_checked(-1, {ip, "link", "set", port, "up"});
      // Both ends compute their own checksums, as a real NIC's frames on a wire have.
      disable_tx_checksum_offload(-1, port);
      disable_tx_checksum_offload(fd, link.ifname);
      const Segment* seg = sc_.find_segment(link.segment);
      run_checked(fd, {ip, "addr", "add",
                       to_string(link.address) + "/" + std::to_string(seg->subnet.prefix),
                       "broadcast", to_string(seg->subnet.broadcast()), "dev", link.ifname});
      run_checked(fd, {ip, "link", "set", link.ifname, "up"});
    }
    if (host.router) {
      write_sysctl(fd, "/proc/sys/net/ipv4/ip_forward", "1");
    } else {
      // Default route via the router of the first segment that has one.
      for (const auto& link : host.links) {
        if (auto gw = sc_.router_on(link.segment)) {
          run_checked(fd, {ip, "route", "add", "default", "via", to_string(*gw)});
          break;
        }
      }
    }
    for (const auto& r : host.routes)
      run_checked(fd, {ip, "route", "add", to_string(r.to), "via", to_string(r.via)});
    spdlog::debug("{} {}: netns of pid {}", host.router ? "router" : "host", host.name, anchor.pid);
  }
}

TeardownSummary Topology::teardown() {
  TeardownSummary sum;
  // Deleting one end of a veth deletes both; the bridges go last.
  std::string ip;
  try {
    ip = find_tool("ip");
  } catch (const std::exception& e) {
    sum.problems.push_back(e.what());
  }
  if (!ip.empty()) {
    for (auto it = world_links_.rbegin(); it != world_links_.rend(); ++it) {
      auto r = run_command(-1, {ip, "link", "del", *it});
      if (r.status == 0)
        ++sum.links_deleted;
      else
        sum.problems.push_back("ip link del " + *it + ": " + r.output);
    }
  }
  world_links_.clear();
  for (auto& [name, anchor] : anchors_) {
    close(anchor.fd);
    kill(anchor.pid, SIGKILL);
    int status = 0;
    if (waitpid(anchor.pid, &status, 0) == anchor.pid) ++sum.anchors_stopped;
  }
  anchors_.clear();
  return sum;
}

int Topology::netns_fd(const std::string& host) const {
  return anchors_.at(host).fd;
}
ino_t Topology::netns_inode(const std::string& host) const {
  return anchors_.at(host).inode;
}
std::string Topology::bridge(const std::string& segment) const {
  return bridges_.at(segment);
}
std::string Topology::world_port(const std::string& host, const std::string& ifname) const {
  return ports_.at(host + "." + ifname);
}
}  // namespace netsim
