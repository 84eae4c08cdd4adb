#include "snowsignal/config.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "capture_ring.h"
#include "mesh_codec.h"
#include "mesh_key_file.h"
#include "multicast_policy.h"

#ifndef SNOWSIGNAL_VERSION
#error "SNOWSIGNAL_VERSION must be defined by the build"
#endif

namespace snowsignal {

namespace {

// A configuration error already phrased for the user: one line naming the flag or the
// environment variable it came from.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One setting from the command line or the environment, and where it came from.
struct Setting {
  std::string value;
  std::string source;  // "--flag", "ENV_NAME", or "--flag (default)"
  bool defaulted = false;
};

std::string with_env_and_default(const std::string& help, const std::string& env,
                                 const std::string& fallback) {
  return help + " (env " + env + ", default " + fallback + ")";
}

// An option that can also come from an environment variable: flag > env > default.
class EnvOption {
 public:
  EnvOption(CLI::App& app, const std::string& flags, std::string env, std::string fallback,
            const std::string& help, const std::string& type)
      : env_(std::move(env)), fallback_(std::move(fallback)) {
    option_ =
        app.add_option(flags, value_, with_env_and_default(help, env_, fallback_))->type_name(type);
  }

  Setting resolve(const Environment& env) const {
    if (option_->count() > 0) return {value_, option_->get_name(), false};
    if (auto it = env.find(env_); it != env.end() && !it->second.empty()) {
      return {it->second, env_, false};
    }
    return {fallback_, option_->get_name() + " (default)", true};
  }

 private:
  std::string env_;
  std::string fallback_;
  std::string value_;
  CLI::Option* option_ = nullptr;
};

// A repeatable option that also takes comma-separated values, with an environment
// variable holding a comma (or space) separated list: flag > env > default.
class EnvListOption {
 public:
  EnvListOption(CLI::App& app, const std::string& flags, std::string env, std::string fallback,
                const std::string& help, const std::string& type)
      : env_(std::move(env)), fallback_(std::move(fallback)) {
    option_ = app.add_option(flags, values_, with_env_and_default(help, env_, fallback_))
                  ->delimiter(',')
                  ->allow_extra_args(false)
                  ->type_name(type);
  }

  // Each value with its source, in the order given.
  std::vector<Setting> resolve(const Environment& env) const;

 private:
  std::string env_;
  std::string fallback_;
  std::vector<std::string> values_;
  CLI::Option* option_ = nullptr;
};

std::vector<std::string> split_hosts(const std::string& text);

std::vector<Setting> EnvListOption::resolve(const Environment& env) const {
  std::vector<Setting> settings;
  if (option_->count() > 0) {
    for (const std::string& value : values_)
      settings.push_back({value, option_->get_name(), false});
  } else if (auto it = env.find(env_); it != env.end() && !it->second.empty()) {
    for (std::string& value : split_hosts(it->second)) settings.push_back({value, env_, false});
  } else if (fallback_ != "none") {
    settings.push_back({fallback_, option_->get_name() + "/" + env_ + " (default)", true});
  }
  return settings;
}

// `what` names the unit and range for the error line, e.g. "a number of frames (16..262144)".
unsigned long parse_number(const Setting& setting, unsigned long min, unsigned long max,
                           const char* what) {
  const std::string& text = setting.value;
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    throw ConfigError(setting.source + ": '" + text + "' is not " + what);
  }
  return value;
}

bool parse_on_off(const Setting& setting) {
  std::string value = setting.value;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "on" || value == "1" || value == "true" || value == "yes") return true;
  if (value == "off" || value == "0" || value == "false" || value == "no") return false;
  throw ConfigError(setting.source + ": '" + setting.value + "' is not on or off");
}

unsigned long parse_number(const Setting& setting, unsigned long max, const char* what) {
  return parse_number(setting, 0, max, what);
}

std::uint16_t parse_port(const Setting& setting) {
  const unsigned long port = parse_number(setting, 65535, "a port number (1..65535)");
  if (port == 0) throw ConfigError(setting.source + ": '0' is not a port number (1..65535)");
  return static_cast<std::uint16_t>(port);
}

// "239.74.163.2:43113" or "[ff15::1]:43113": one option, one parser, one list for both
// families. IPv6 groups pass the scope policy of multicast_policy.h.
MulticastGroup parse_multicast(const Setting& setting, bool wide_scopes) {
  const std::string& text = setting.value;
  const std::string form =
      " (expected GROUP:PORT or [GROUP]:PORT, e.g. 239.74.163.2:43113 or "
      "[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113)";
  const std::string where = setting.source + ": '" + text + "'";
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      throw ConfigError(where + form);
    }
    const std::string group_text = text.substr(1, close - 1);
    const std::optional<IpAddress> group = IpAddress::parse(group_text);
    if (!group || group->is_v4()) {
      throw ConfigError(where + ": '" + group_text + "' is not an IPv6 address" + form);
    }
    if (auto refusal = ipv6_group_refusal(*group, wide_scopes)) {
      throw ConfigError(where + ": " + group->to_string() + " cannot be relayed: " + *refusal);
    }
    return {*group, parse_port({text.substr(close + 2), where, false})};
  }
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw ConfigError(where + form);
  const std::optional<Ipv4Address> group = Ipv4Address::parse(text.substr(0, colon));
  if (!group) {
    throw ConfigError(where + ": '" + text.substr(0, colon) + "' is not an IPv4 address" +
                      (text.find(':') != colon ? " (an IPv6 group goes in brackets)" : "") + form);
  }
  if (!is_multicast(*group)) {
    throw ConfigError(where + ": " + group->to_string() +
                      " is not a multicast group (224.0.0.0/4)");
  }
  return {IpAddress::from_v4(*group), parse_port({text.substr(colon + 1), where, false})};
}

LogLevel parse_log_level(const Setting& setting) {
  std::string name = setting.value;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  if (name == "critical") return LogLevel::kCritical;
  throw ConfigError(setting.source + ": '" + setting.value +
                    "' is not a log level (debug, info, warning, error, critical)");
}

// OTHER_RELAYS="a,b c": commas and/or whitespace separate hosts.
std::vector<std::string> split_hosts(const std::string& text) {
  std::vector<std::string> hosts;
  std::string current;
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) hosts.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) hosts.push_back(std::move(current));
  return hosts;
}

// One entry of --other-relays/OTHER_RELAYS as the resolver takes it: an IPv4 address,
// an IPv6 address (bare, or bracketed as in URLs: the brackets are dropped) or a host
// name. Addresses that are nearly right (a typo, a port) are errors here rather than
// names that never resolve.
std::string check_peer_host(const std::string& host, const std::string& source) {
  const auto fail = [&](const std::string& why) {
    throw ConfigError(source + ": '" + host + "' " + why);
  };
  const char* const no_port =
      "has a port; peers take none (every relay listens on --mesh-port/MESH_PORT)";
  std::string address = host;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos) fail("is not an IPv6 address in brackets ([2001:db8::2])");
    if (close + 1 < host.size()) {
      if (host[close + 1] == ':') fail(no_port);
      fail("is not an IPv6 address in brackets ([2001:db8::2])");
    }
    address = host.substr(1, close - 1);
    if (address.find(':') == std::string::npos) fail("is not an IPv6 address in brackets");
  }
  if (address.find(':') != std::string::npos) {
    const std::optional<IpAddress> parsed = IpAddress::parse(address);
    if (!parsed) {
      const auto colon = address.rfind(':');
      if (address.find(':') == colon && Ipv4Address::parse(address.substr(0, colon))) {
        fail(no_port);
      }
      fail("is not an IPv6 address (e.g. 2001:db8:2::2)");
    }
    if (parsed->octets[0] == 0xfe && (parsed->octets[1] & 0xc0) == 0x80) {
      fail(
          "is IPv6 link-local, which needs a zone (interface) the mesh does not keep; use a "
          "global or unique local address");
    }
    return address;
  }
  const bool looks_dotted = address.find_first_not_of("0123456789.") == std::string::npos;
  if (looks_dotted && !Ipv4Address::parse(address)) fail("is not an IPv4 address");
  return address;
}

// An on/off environment variable: unset or empty is off.
bool parse_switch(const Environment& env, const std::string& name) {
  const auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return false;
  std::string value = it->second;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  throw ConfigError(name + ": '" + it->second + "' is not on or off (1/0, true/false, yes/no)");
}

// SnowSignal (argparse) spells the log level flag "-ll"; CLI11 would read that as "-l l".
void rewrite_snowsignal_spellings(std::vector<std::string>& args) {
  for (std::string& arg : args) {
    if (arg == "-ll") {
      arg = "--log-level";
    } else if (arg.starts_with("-ll=")) {
      arg = "--log-level=" + arg.substr(4);
    }
  }
}

// "198.18.1.2:9124" or "0.0.0.0:9124".
Endpoint parse_endpoint(const Setting& setting) {
  const std::string& text = setting.value;
  const auto colon = text.rfind(':');
  const std::optional<Ipv4Address> address =
      colon == std::string::npos ? std::nullopt : Ipv4Address::parse(text.substr(0, colon));
  if (!address) {
    throw ConfigError(setting.source + ": '" + text +
                      "' is not ADDR:PORT with an IPv4 address (0.0.0.0 for all)");
  }
  return {*address, parse_port({text.substr(colon + 1), setting.source, false})};
}

InterfaceInfo find_interface(const Setting& setting, const InterfaceLookup& interfaces) {
  const std::string& name = setting.value;
  std::optional<InterfaceInfo> info = interfaces.find(name);
  if (!info) throw ConfigError(setting.source + ": no network interface named '" + name + "'");
  return *info;
}

// An interface without an IPv4 address carries only the IPv6 groups: IPv4 broadcasts
// and groups can be neither captured nor re-emitted there (there is no broadcast
// address to send to). Those are dropped from the traffic table and named in
// `ipv4_not_relayed` for the start-up warning; with no IPv6 group left, nothing could be
// relayed, which is an error.
void fit_traffic_to_interface(Config& config, const std::string& source) {
  if (config.interface.ipv4) return;
  std::string left_out;
  const auto add = [&left_out](const std::string& what) {
    left_out += (left_out.empty() ? "" : ", ") + what;
  };
  if (!config.traffic.broadcast_ports.empty()) {
    std::string ports;
    for (std::uint16_t p : config.traffic.broadcast_ports) {
      ports += (ports.empty() ? "" : ",") + std::to_string(p);
    }
    add("IPv4 broadcast ports " + ports);
  }
  std::vector<MulticastGroup> ipv6_groups;
  for (const MulticastGroup& g : config.traffic.multicast_groups) {
    if (g.group.is_v4()) {
      add(g.group.to_string() + ":" + std::to_string(g.port));
    } else {
      ipv6_groups.push_back(g);
    }
  }
  if (ipv6_groups.empty()) {
    throw ConfigError(source + ": interface '" + config.interface.name +
                      "' has no IPv4 address, and no IPv6 group is configured (--multicast "
                      "'[GROUP]:PORT'): nothing could be relayed there");
  }
  config.traffic.broadcast_ports.clear();
  config.traffic.multicast_groups = std::move(ipv6_groups);
  config.ipv4_not_relayed = left_out;
}

}  // namespace

// systemd's RuntimeDirectory=snowsignal gives RUNTIME_DIRECTORY (a list, the first is
// ours); elsewhere /run/snowsignal, which the package and the image create.
std::string default_status_socket(const Environment& env) {
  if (auto it = env.find("RUNTIME_DIRECTORY"); it != env.end() && !it->second.empty()) {
    return it->second.substr(0, it->second.find(':')) + "/status.sock";
  }
  return "/run/snowsignal/status.sock";
}

ConfigOutcome parse_config(std::vector<std::string> args, const Environment& env,
                           const InterfaceLookup& interfaces) {
  CLI::App app{
      "snowsignal: relays link-local UDP discovery traffic (IPv4 broadcasts such as EPICS "
      "PVAccess and Channel Access searches and beacons, IPv4 and IPv6 multicast groups such as "
      "python-can's udp_multicast bus, datagrams of any size) between network segments "
      "through a unicast mesh of relays, compatible with SnowSignal 0.1.1.\n"
      "Every option can also be set by the environment variable named in its help; a flag "
      "wins over the environment, which wins over the default.",
      "snowsignal"};
  const EnvOption target(app, "-t,--target-interface", "TARGET_INTERFACE", "eth0",
                         "Interface to capture broadcasts on and re-broadcast to", "NAME");
  const EnvListOption broadcast_ports(
      app, "-b,--broadcast-port", "BDCAST_PORT", "5076",
      "UDP destination port of the IPv4 broadcasts to relay; repeat the flag or separate ports "
      "with commas to relay several (PVAccess 5076, Channel Access 5064 and 5065: -b "
      "5076,5064,5065)",
      "PORT");
  const EnvListOption multicast(
      app, "--multicast", "MULTICAST", "none",
      "Multicast GROUP:PORT (IPv4) or [GROUP]:PORT (IPv6) to relay (joined on the target "
      "interface with IGMP or MLD, re-sent to the same group by the other relays, TTL or hop "
      "limit kept); repeat or separate with commas, e.g. python-can's udp_multicast bus: "
      "--multicast 239.74.163.2:43113 or "
      "--multicast [ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113. IPv6 scopes 2 (link) to 5 "
      "(site) by default",
      "GROUP:PORT");
  bool wide_scope_flag = false;
  app.add_flag("--multicast-wide-scope", wide_scope_flag,
               "Also accept IPv6 groups of scopes wider than a site (8 organisation, e global), "
               "knowing that relaying extends them to every peer's segment (env "
               "MULTICAST_WIDE_SCOPE=1, default off)");
  const EnvOption mesh_port(
      app, "-m,--mesh-port", "MESH_PORT", "7124",
      "UDP port of the mesh between relays, received on all addresses of both "
      "families (IPv6 and IPv4)",
      "PORT");
  std::vector<std::string> other_relays;
  const CLI::Option* relays_opt =
      app.add_option("--other-relays", other_relays,
                     with_env_and_default("Other relays: IPv4 or IPv6 addresses (2001:db8:2::2 or "
                                          "[2001:db8:2::2]) or host names (A and AAAA records), "
                                          "space or comma separated, IPv4 and IPv6 mixed as you "
                                          "like; names are re-resolved every 10 s",
                                          "OTHER_RELAYS", "none"))
          ->delimiter(',')
          ->type_name("HOST");
  const EnvOption log_level(app, "-l,--log-level", "LOGLEVEL", "info",
                            "debug, info, warning, error or critical; -ll is accepted as in "
                            "SnowSignal",
                            "LEVEL");
  const EnvOption stats_interval(app, "--stats-interval", "STATS_INTERVAL", "0",
                                 "Log counters (and write --stats-file) every SECONDS; 0 = off",
                                 "SECONDS");
  const EnvOption stats_file(app, "--stats-file", "STATS_FILE", "none",
                             "Write counters as JSON to PATH (atomically) at every stats "
                             "interval, on SIGUSR1 and at exit",
                             "PATH");
  const EnvOption dedup_window(app, "--dedup-window-ms", "DEDUP_WINDOW_MS", "500",
                               "How long a relayed datagram is remembered to stop echoes and "
                               "duplicates; 0 = off, pure SnowSignal behaviour",
                               "MS");
  const EnvOption election_interval(
      app, "--election-interval-ms", "ELECTION_INTERVAL_MS", "1000",
      "Designated forwarder: relays on one segment (those that hear each other's segment "
      "hellos, sent every MS) agree that the lowest address forwards and the others stand "
      "by, taking over after 3 silent intervals (100..60000; 0 = off: every relay "
      "forwards, SnowSignal's behaviour, as with --dedup-window-ms 0)",
      "MS");
  const EnvOption host_local(
      app, "--host-local", "HOST_LOCAL", "on",
      "PVA on this host too: relay what processes here broadcast on the interface, and hand "
      "every re-broadcast to this host's own listeners (host networking, a relay per node); "
      "off = SnowSignal's rule, nothing from this host's MACs is relayed. Needs the dedup "
      "window",
      "on|off");
  const EnvOption ring_frames(app, "--capture-ring-frames", "CAPTURE_RING_FRAMES", "8192",
                              "Capture ring size in frames of the interface MTU (16..262144): "
                              "how many back-to-back broadcasts are held while the relay is "
                              "not running; about 2 KiB of kernel memory each at MTU 1500, "
                              "and no more than --capture-ring-memory in all",
                              "FRAMES");
  const EnvOption ring_memory(
      app, "--capture-ring-memory", "CAPTURE_RING_MEMORY",
      std::to_string(kDefaultCaptureRingMemory),
      "Most kernel memory the capture ring may take, in bytes (1048576..4294967296): a slot "
      "follows the MTU, so 32 MiB holds 8192 frames at MTU 1500, 2048 at 9000, 256 on "
      "loopback (65536)",
      "BYTES");
  const EnvOption mesh_buffer(app, "--mesh-socket-buffer", "MESH_SOCKET_BUFFER", "8388608",
                              "Mesh socket receive and send buffer in bytes (4096..268435456); "
                              "above net.core.rmem_max/wmem_max only with CAP_NET_ADMIN",
                              "BYTES");
  const EnvOption mesh_key_file(app, "--mesh-key-file", "MESH_KEY_FILE", "none",
                                "Key file of mesh format v2 (authenticated); keys are only ever "
                                "read from a file, never from the command line or environment",
                                "PATH");
  bool accept_v1_flag = false;
  app.add_flag("--accept-v1", accept_v1_flag,
               "With a key file, still accept mesh format v1 from peers' addresses (migration "
               "from Python SnowSignal) (env ACCEPT_V1=1, default off)");
  const EnvOption heartbeat_interval(app, "--heartbeat-interval", "HEARTBEAT_INTERVAL", "2",
                                     "Seconds between v2 heartbeats to each peer; 0 = off",
                                     "SECONDS");
  const EnvOption mesh_datagram_size(app, "--mesh-datagram-size", "MESH_DATAGRAM_SIZE", "1472",
                                     "v2: batch captured frames into mesh datagrams of up to "
                                     "BYTES, an IPv4 UDP payload (20 less while a peer is "
                                     "IPv6, for its larger header; a larger frame goes alone)",
                                     "BYTES");
  const EnvOption metrics_address(app, "--metrics-address", "METRICS_ADDRESS", "none",
                                  "Serve /metrics (Prometheus) and /healthz over HTTP on "
                                  "ADDR:PORT, e.g. 0.0.0.0:9124",
                                  "ADDR:PORT");
  std::string health_check;
  const CLI::Option* health_check_opt =
      app.add_option("--health-check", health_check,
                     "Ask the relay serving ADDR:PORT (default: METRICS_ADDRESS, 0.0.0.0 meaning "
                     "127.0.0.1) for /healthz; exit 0 when healthy, 1 otherwise")
          ->expected(0, 1)
          ->type_name("[ADDR:PORT]");
  const EnvOption status_socket(
      app, "--status-socket", "STATUS_SOCKET", default_status_socket(env),
      "Unix socket on which `snowsignal status` asks this relay how it is (none: no socket; "
      "the default is under systemd's RuntimeDirectory when set)",
      "PATH");
  CLI::App* status = app.add_subcommand(
      "status",
      "Ask the running relay how it is, like `wg show`: interface, mesh, every peer with its "
      "state, what was relayed and dropped. Exit 0 when healthy (as /healthz), 1 when not, 2 "
      "when no relay answers");
  bool status_json = false;
  status->add_flag("--json", status_json, "Print the relay's answer as JSON, for scripts");
  std::string status_path;
  status
      ->add_option("--status-socket", status_path,
                   "The relay's status socket [env: STATUS_SOCKET, default: " +
                       default_status_socket(env) + "]")
      ->type_name("PATH");
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");
  app.footer(
      "Discovery: env SERVICENAME=<name> adds the A and AAAA records of tasks.<name> (Docker "
      "Swarm) as peers, refreshed every 10 s, minus this host's own addresses. With no peer at all "
      "the "
      "relay sends to itself (SnowSignal's test mode) and warns.\n"
      "Needs CAP_NET_RAW. Exit status 2 on configuration errors.");

  rewrite_snowsignal_spellings(args);
  std::reverse(args.begin(), args.end());  // CLI11's vector parse takes arguments reversed
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    return {std::nullopt, 0, app.help()};
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, 2, std::string("snowsignal: ") + e.what()};
  }
  if (version) return {std::nullopt, 0, "snowsignal " SNOWSIGNAL_VERSION};
  if (status->parsed()) {
    ConfigOutcome ask;
    ask.status = StatusRequest{status_path.empty() ? status_socket.resolve(env).value : status_path,
                               status_json};
    return ask;
  }
  if (health_check_opt->count() > 0) {
    try {
      const Setting probed = health_check.empty() ? metrics_address.resolve(env)
                                                  : Setting{health_check, "--health-check", false};
      if (probed.defaulted) {
        throw ConfigError("--health-check: no ADDR:PORT given and METRICS_ADDRESS is unset");
      }
      ConfigOutcome probe;
      probe.health_check = parse_endpoint(probed);
      if (probe.health_check->address == Ipv4Address{}) {
        probe.health_check->address = Ipv4Address{0x7F000001};  // 0.0.0.0: ask on loopback
      }
      return probe;
    } catch (const ConfigError& e) {
      return {std::nullopt, 2, std::string("snowsignal: ") + e.what()};
    }
  }

  try {
    Config config;
    config.mesh_port = parse_port(mesh_port.resolve(env));
    // A relayed port equal to the mesh port would make every mesh datagram look like
    // traffic to relay (and the other way round).
    const auto not_mesh_port = [&](const Setting& setting, std::uint16_t port) {
      if (port != config.mesh_port) return;
      throw ConfigError(setting.source + ": port " + std::to_string(port) +
                        " is also the mesh port (--mesh-port/MESH_PORT); they must differ");
    };
    config.traffic.broadcast_ports.clear();
    for (const Setting& setting : broadcast_ports.resolve(env)) {
      const std::uint16_t port = parse_port(setting);
      not_mesh_port(setting, port);
      config.traffic.broadcast_ports.push_back(port);
    }
    std::sort(config.traffic.broadcast_ports.begin(), config.traffic.broadcast_ports.end());
    config.traffic.broadcast_ports.erase(
        std::unique(config.traffic.broadcast_ports.begin(), config.traffic.broadcast_ports.end()),
        config.traffic.broadcast_ports.end());
    const bool wide_scopes = wide_scope_flag || parse_switch(env, "MULTICAST_WIDE_SCOPE");
    for (const Setting& setting : multicast.resolve(env)) {
      const MulticastGroup group = parse_multicast(setting, wide_scopes);
      not_mesh_port(setting, group.port);
      config.traffic.multicast_groups.push_back(group);
    }
    std::sort(config.traffic.multicast_groups.begin(), config.traffic.multicast_groups.end());
    config.traffic.multicast_groups.erase(
        std::unique(config.traffic.multicast_groups.begin(), config.traffic.multicast_groups.end()),
        config.traffic.multicast_groups.end());
    config.log_level = parse_log_level(log_level.resolve(env));

    if (relays_opt->count() > 0) {
      config.other_relays_source = "--other-relays";
      for (const std::string& value : other_relays) {
        for (const std::string& host : split_hosts(value)) {
          config.other_relays.push_back(check_peer_host(host, config.other_relays_source));
        }
      }
    } else if (auto it = env.find("OTHER_RELAYS"); it != env.end()) {
      config.other_relays_source = "OTHER_RELAYS";
      for (const std::string& host : split_hosts(it->second)) {
        config.other_relays.push_back(check_peer_host(host, config.other_relays_source));
      }
    }
    if (auto it = env.find("SERVICENAME"); it != env.end() && !it->second.empty()) {
      config.service_name = it->second;
    }

    config.stats_interval_s = static_cast<unsigned>(
        parse_number(stats_interval.resolve(env), 86400, "a number of seconds (0..86400)"));
    if (const Setting file = stats_file.resolve(env); !file.defaulted) {
      config.stats_file = file.value;
    }
    config.dedup_window_ms = static_cast<unsigned>(
        parse_number(dedup_window.resolve(env), 60000, "a number of milliseconds (0..60000)"));
    {
      const Setting setting = election_interval.resolve(env);
      const auto ms = static_cast<unsigned>(
          parse_number(setting, 60000, "a number of milliseconds (0, or 100..60000)"));
      if (ms != 0 && ms < 100) {
        throw ConfigError(setting.source + ": '" + setting.value +
                          "' is not a number of milliseconds (0, or 100..60000)");
      }
      // No election without the window (SnowSignal's behaviour asked for), nor (below)
      // where there is no IPv4 broadcast to say hello with.
      config.election_interval_ms = config.dedup_window_ms == 0 ? 0 : ms;
    }
    // Host-local leans on the window to recognise what we re-broadcast; with SnowSignal's
    // behaviour asked for (no window), it is SnowSignal's own-MAC rule.
    const Setting host_local_setting = host_local.resolve(env);
    config.host_local = parse_on_off(host_local_setting) && config.dedup_window_ms > 0;
    if (!host_local_setting.defaulted && parse_on_off(host_local_setting) &&
        config.dedup_window_ms == 0) {
      throw ConfigError(host_local_setting.source +
                        ": 'on' needs the de-duplication window; with --dedup-window-ms 0 "
                        "(SnowSignal's behaviour) nothing from this host's MACs is relayed");
    }
    config.capture_ring_frames = static_cast<unsigned>(
        parse_number(ring_frames.resolve(env), 16, 262144, "a number of frames (16..262144)"));
    config.capture_ring_memory = parse_number(ring_memory.resolve(env), 1048576, 4294967296UL,
                                              "a number of bytes (1048576..4294967296)");
    config.mesh_socket_buffer = static_cast<unsigned>(parse_number(
        mesh_buffer.resolve(env), 4096, 268435456, "a number of bytes (4096..268435456)"));
    config.heartbeat_interval_s = static_cast<unsigned>(
        parse_number(heartbeat_interval.resolve(env), 3600, "a number of seconds (0..3600)"));
    config.mesh_datagram_size = static_cast<unsigned>(parse_number(
        mesh_datagram_size.resolve(env), 128, kMaxMeshPayload, "a datagram size (128..65507)"));
    config.accept_v1 = accept_v1_flag || parse_switch(env, "ACCEPT_V1");
    if (const Setting file = mesh_key_file.resolve(env); !file.defaulted) {
      MeshKeysOutcome keys = load_mesh_key_file(file.value);
      if (!keys.error.empty()) {
        throw ConfigError(file.source + ": " + file.value + ": " + keys.error);
      }
      config.mesh_key_file = file.value;
      for (MeshKey& key : keys.keys) config.mesh_keys.emplace_back(key.id, std::move(key.secret));
    } else if (config.accept_v1) {
      throw ConfigError(
          "--accept-v1/ACCEPT_V1 needs --mesh-key-file/MESH_KEY_FILE: without "
          "a key the relay speaks only v1 anyway");
    }
    if (const Setting socket = status_socket.resolve(env); socket.value != "none") {
      config.status_socket = socket.value;
    }
    if (const Setting metrics = metrics_address.resolve(env); !metrics.defaulted) {
      config.metrics_address = parse_endpoint(metrics);
    }
    // Last: the only check that looks at the machine.
    const Setting interface = target.resolve(env);
    config.interface = find_interface(interface, interfaces);
    if (!config.interface.ipv4) config.election_interval_ms = 0;
    fit_traffic_to_interface(config, interface.source);
    return {std::move(config), 0, ""};
  } catch (const ConfigError& e) {
    return {std::nullopt, 2, std::string("snowsignal: ") + e.what()};
  }
}

}  // namespace snowsignal
