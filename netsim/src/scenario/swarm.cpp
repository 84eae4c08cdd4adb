#include "netsim/swarm.h"

#include <cstdio>
#include <stdexcept>

namespace netsim {

std::string task_mac(Ipv4 address) {
  char text[18];
  std::snprintf(text, sizeof text, "02:42:%02x:%02x:%02x:%02x", (address.value >> 24) & 0xff,
                (address.value >> 16) & 0xff, (address.value >> 8) & 0xff, address.value & 0xff);
  return text;
}

Subnet default_overlay_subnet(std::uint32_t n) {
  return Subnet{Ipv4{benchmark_space().network.value + (1u << 16) + (n << 8)}, 24};
}

std::string swarm_dns_process(const std::string& task) {
  return "dns@" + task;
}

std::vector<std::string> swarm_dns_command(const std::string& hosts_file) {
  // --user=root --group=: no privilege drop (setgroups is denied in a rootless world);
  // --conf-file=/dev/null: nothing from the machine's /etc/dnsmasq.conf;
  // --local-ttl=0 --cache-size=0: a move is seen by the very next lookup.
  return {"dnsmasq",           "--keep-in-foreground",
          "--log-facility=-",  "--conf-file=/dev/null",
          "--no-resolv",       "--no-hosts",
          "--user=root",       "--group=",
          "--pid-file=",       std::string("--listen-address=") + kSwarmDnsAddress,
          "--bind-interfaces", "--addn-hosts=" + hosts_file,
          "--local-ttl=0",     "--cache-size=0"};
}

std::string swarm_resolv_conf() {
  // Docker's own for containers on user-defined networks (ndots:0), with the retry
  // bounded so a lookup never waits long on a stopped stand-in.
  return std::string("nameserver ") + kSwarmDnsAddress + "\noptions ndots:0 timeout:1 attempts:2\n";
}

std::string swarm_dns_hosts(const Scenario& sc, const std::function<bool(const Host&)>& task_up) {
  std::string text =
      "# tasks.<service> for netsim's embedded-DNS stand-ins (rewritten as tasks "
      "start, stop and move)\n";
  for (const auto& h : sc.hosts) {
    if (h.service.empty() || !task_up(h)) continue;
    for (const auto& l : h.links)
      if (l.ipv4) text += to_string(l.address) + " tasks." + h.service + "\n";
  }
  return text;
}

Ipv4 next_task_address(const Subnet& overlay, Ipv4 highest_given, const std::set<Ipv4>& in_use) {
  const std::uint32_t last = overlay.host_count();
  std::uint32_t start = 2;  // .1 is the overlay's gateway in Docker
  if (overlay.contains(highest_given) && highest_given.value > overlay.network.value)
    start = highest_given.value - overlay.network.value + 1;
  for (std::uint32_t k = 0; k + 1 < last; ++k) {
    std::uint32_t n = start + k;
    if (n > last) n = 2 + (n - last - 1);
    const Ipv4 candidate = overlay.host(n);
    if (!in_use.count(candidate)) return candidate;
  }
  throw std::runtime_error("overlay " + to_string(overlay) + " has no free address left");
}

}  // namespace netsim
