// snowsignal: relays UDP broadcasts between segments through a unicast mesh of relays.
#include <spdlog/sinks/stdout_sinks.h>
#include <net/if.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "background_name_resolver.h"
#include "capture_filter.h"
#include "dns_name_resolver.h"
#include "event_loop.h"
#include "health_probe.h"
#include "health_verdict.h"
#include "interface_state.h"
#include "local_delivery_sink.h"
#include "mesh_mac.h"
#include "metrics_server.h"
#include "multicast_membership.h"
#include "net_raw_capability.h"
#include "packet_socket_sink.h"
#include "pcap_frame_source.h"
#include "resolving_peer_directory.h"
#include "snowsignal/config.h"
#include "snowsignal/relay_core.h"
#include "stats_json.h"
#include "status_report.h"
#include "status_socket.h"
#include "steady_clock.h"
#include "tins_interface_info.h"
#include "traffic_kinds.h"
#include "udp_mesh_socket.h"

extern char** environ;

namespace snowsignal {
namespace {

constexpr auto kPeerRefresh = std::chrono::seconds(10);
// Peer state changes that depend on time (a probe that drew no ICMP error, v1 idle, v2
// heartbeat timeout) are applied this often: well within the 0.5 s probe wait.
constexpr auto kPeerHealthTick = std::chrono::milliseconds(250);
// How often the event loop hands /metrics and /healthz a fresh snapshot: values a
// scraper sees are at most this old, and link state changes show within it.
constexpr auto kMetricsPeriod = std::chrono::milliseconds(500);
// How often fragmented datagrams that stopped arriving are given up (and counted).
constexpr auto kReassemblyExpiry = std::chrono::seconds(1);

Environment process_environment() {
  Environment env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals != std::string::npos) env.emplace(text.substr(0, equals), text.substr(equals + 1));
  }
  return env;
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarning:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kCritical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

// The keys of --mesh-key-file, ready for the core; nullptr without one (v1 only).
std::unique_ptr<MeshKeyring> make_keyring(const Config& config) {
  if (config.mesh_keys.empty()) return nullptr;
  std::vector<MeshKey> keys;
  for (const auto& [id, secret] : config.mesh_keys) keys.push_back(MeshKey{id, secret});
  return std::make_unique<MeshKeyring>(keys);
}

// The relay's mesh v2 sender id: the same across restarts of the same relay, so that
// its peers' replay windows recognise the restart by the larger boot id and keep
// refusing what its earlier boots sent. Derived (FNV-1a, 64 bits; it needs to be
// unique, not secret: the MAC authenticates it) from what tells relays apart: host
// name, interface, its MAC and IPv4 address, and the mesh port. The host name matters
// for containers on NAT'd bridges, which can share an IP and MAC on different hosts.
std::uint64_t derived_sender_id(const Config& config) {
  std::array<char, 256> host{};
  ::gethostname(host.data(), host.size() - 1);
  const std::string identity = std::string(host.data()) + '\n' + config.interface.name + '\n' +
                               config.interface.mac.to_string() + '\n' +
                               primary_address(config.interface).to_string() + '\n' +
                               std::to_string(config.mesh_port);
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : identity) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// This host's addresses of both families: none of them is a peer.
std::vector<IpAddress> own_addresses(const InterfaceInfo& interface) {
  std::vector<IpAddress> own = interface.host_ipv6s;
  for (const Ipv4Address v4 : interface.host_ipv4s) own.push_back(IpAddress::from_v4(v4));
  return own;
}

RelaySettings relay_settings(const Config& config, const MeshKeyring* keyring,
                             std::uint64_t sender_id, FrameSink* local_sink) {
  RelaySettings settings;
  settings.host_local = config.host_local;
  settings.election_interval = std::chrono::milliseconds(config.election_interval_ms);
  settings.local_sink = local_sink;
  settings.traffic = config.traffic;
  settings.mesh_port = config.mesh_port;
  settings.dedup_window = std::chrono::milliseconds(config.dedup_window_ms);
  settings.keyring = keyring;
  settings.accept_v1 = config.accept_v1;
  settings.mesh_datagram_size = config.mesh_datagram_size;
  settings.heartbeat_interval = std::chrono::seconds(config.heartbeat_interval_s);
  settings.sender_id = sender_id;
  // The boot id must grow across restarts: wall-clock ns at start.
  settings.boot_id =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  return settings;
}

// The sink that gives re-broadcasts to this host's own listeners. On loopback the
// re-broadcast itself already reaches them.
std::unique_ptr<LocalDeliverySink> local_delivery(const Config& config) {
  if (!config.host_local || config.interface.index == static_cast<int>(if_nametoindex("lo"))) {
    return nullptr;
  }
  return std::make_unique<LocalDeliverySink>(config.interface.index, config.interface.name);
}

class Daemon {
 public:
  Daemon(const Config& config, SignalFd& signals, ResolvingPeerDirectory& peers)
      : config_(config),
        signals_(signals),
        peers_(peers),
        kinds_(config.traffic),
        membership_(config.interface.index, config.traffic.multicast_groups),
        source_(config.interface.name,
                capture_filter(kinds_, config.interface.host_macs,
                               config.host_local ? own_addresses(config.interface)
                                                 : std::vector<IpAddress>{},
                               config.election_interval_ms > 0 ? config.mesh_port : 0),
                config.interface.mtu, config.capture_ring_frames, config.capture_ring_memory),
        sink_(config.interface.index, config.interface.name),
        local_sink_(local_delivery(config)),
        mesh_(config.mesh_port, static_cast<int>(config.mesh_socket_buffer)),
        keyring_(make_keyring(config)),
        sender_id_(derived_sender_id(config)),
        core_(std::make_unique<RelayCore>(
            relay_settings(config, keyring_.get(), sender_id_, local_sink_.get()),
            config.interface, mesh_, sink_, peers_, clock_)) {
    if (config.metrics_address) metrics_.emplace(*config.metrics_address);
    if (config.status_socket) {
      // Not fatal: the relay relays without it (e.g. run by hand by a user who cannot
      // write /run/snowsignal), and says how to get it.
      try {
        status_.emplace(*config.status_socket);
      } catch (const std::exception& e) {
        spdlog::warn("no status socket, `snowsignal status` cannot ask this relay: {}", e.what());
      }
    }
  }

  void run() {
    const InterfaceInfo& i = config_.interface;
    log_buffers();
    if (status_) spdlog::info("status on {} (snowsignal status)", status_->path());
    if (metrics_ || status_) publish_metrics();
    if (metrics_) {
      // Before the ready line: whoever waits for it finds /healthz answering for real.
      spdlog::info("metrics and health on http://{}/metrics and /healthz",
                   config_.metrics_address->to_string());
    }
    if (!config_.ipv4_not_relayed.empty()) {
      spdlog::warn("{} has no IPv4 address: relaying IPv6 groups only; {} cannot be relayed here",
                   i.name, config_.ipv4_not_relayed);
    }
    if (config_.election_interval_ms > 0) {
      spdlog::info("election: segment hellos every {} ms on {}; the lowest address of the "
                   "relays heard forwards, the others stand by (take-over after {} ms)",
                   config_.election_interval_ms, i.name, 3 * config_.election_interval_ms);
    } else if (config_.dedup_window_ms > 0 && !i.ipv4) {
      spdlog::info("election: off on {} (no IPv4 broadcast for segment hellos): this relay "
                   "forwards whatever other relays share the segment",
                   i.name);
    }
    if (config_.host_local) {
      spdlog::info(
          "host-local: what processes on this host send on {} is relayed, and re-broadcasts "
          "reach their listeners{}",
          i.name, local_sink_ ? "" : " (loopback: they already do)");
    } else {
      spdlog::info("host-local off: nothing sent from this host's MACs is relayed, and "
                   "re-broadcasts do not reach this host's own listeners");
    }
    const std::string addresses = i.ipv4 ? i.ipv4->to_string() + " bcast " + i.broadcast.to_string()
                                         : primary_address(i).to_string() + " (no IPv4)";
    spdlog::info("relay ready: {} {} {} mtu {}, mesh port {} {}, peers [{}]{}, relaying {}", i.name,
                 i.mac.to_string(), addresses, i.mtu, config_.mesh_port, mesh_format(),
                 join(peers_.peers()), peers_.self_relay() ? " (self-relay)" : "",
                 kinds_.describe());
    // A stats file exists from the moment we are ready, so readers need no special case.
    write_stats();
    EventLoop loop(source_, *core_, mesh_.selectable_fd(), signals_, clock_);
    loop.every(kPeerRefresh, [this] { peers_.refresh(); });
    loop.every(kPeerHealthTick, [this] { core_->tick(); });
    loop.every(kReassemblyExpiry, [this] { core_->expire_reassembly(); });
    if (config_.stats_interval_s > 0) {
      loop.every(std::chrono::seconds(config_.stats_interval_s), [this] { report(); });
    }
    loop.on_usr1([this] { report(); });
    if (keyring_ && config_.heartbeat_interval_s > 0) {
      core_->send_heartbeats();  // at once: peers learn we are up (and speak v2) now
      loop.every(std::chrono::seconds(config_.heartbeat_interval_s),
                 [this] { core_->send_heartbeats(); });
    }
    if (config_.election_interval_ms > 0) {
      core_->send_hello();  // at once: a relay that starts is heard within one interval
      loop.every(std::chrono::milliseconds(config_.election_interval_ms),
                 [this] { core_->send_hello(); });
    }
    if (metrics_ || status_) loop.every(kMetricsPeriod, [this] { publish_metrics(); });
    const int signal = loop.run();
    spdlog::info("stopping on signal {}", signal);
    report();
  }

 private:
  // What the kernel granted, which can be less than asked (memory, rmem_max/wmem_max):
  // the figures a burst has to fit in.
  void log_buffers() {
    const CaptureRingPlan& ring = source_.ring_plan();
    spdlog::info("capture ring: {} frames of {} bytes (snap length {}) granted, {} asked; {} KiB",
                 source_.ring_frames_granted(), ring.frame_size, ring.snap_length, ring.frames,
                 source_.ring_bytes_granted() / 1024);
    if (ring.bounded) {
      spdlog::info(
          "capture ring bounded by --capture-ring-memory {} KiB: {} of the {} frames asked at "
          "MTU {} (slots follow the MTU; raise it to hold longer bursts of frames this large)",
          config_.capture_ring_memory / 1024, ring.frames, ring.frames_asked,
          config_.interface.mtu);
    }
    if (source_.ring_frames_granted() < ring.frames) {
      spdlog::warn("capture ring is smaller than asked ({} of {} frames): bursts may be lost",
                   source_.ring_frames_granted(), ring.frames);
    }
    spdlog::info(
        "mesh socket buffers: receive {} bytes, send {} bytes (kernel accounting, "
        "about twice the payload), {} asked{}",
        mesh_.receive_buffer(), mesh_.send_buffer(), config_.mesh_socket_buffer,
        mesh_.buffers_forced() ? "" : ", capped by net.core.rmem_max/wmem_max");
  }

  void report() {
    core_->set_capture_kernel_drops(source_.kernel_drops());
    core_->set_mesh_receive_overflows(mesh_.receive_overflows());
    spdlog::info("counters: {} peers: {}", stats_line(core_->counters()),
                 peers_line(core_->peer_health().peers(), clock_.now()));
    write_stats();
  }

  std::string mesh_format() const {
    if (!keyring_) return "v1";
    return "v2 (sender id " + fmt::format("{:016x}", sender_id_) + ", key " +
           std::to_string(keyring_->send_key_id()) + " of " +
           std::to_string(config_.mesh_keys.size()) + " from " + *config_.mesh_key_file +
           (config_.accept_v1 ? ", v1 accepted)" : ", v1 refused)");
  }

  void publish_metrics() {
    core_->set_capture_kernel_drops(source_.kernel_drops());
    core_->set_mesh_receive_overflows(mesh_.receive_overflows());
    MetricsSnapshot snapshot;
    snapshot.version = SNOWSIGNAL_VERSION;
    snapshot.interface = config_.interface.name;
    snapshot.counters = core_->counters();
    snapshot.peers = peers_.peers();
    snapshot.peer_health = core_->peer_health().peers();
    snapshot.self_relay = peers_.self_relay();
    snapshot.capture_open = true;  // the relay exits when the capture fails
    snapshot.interface_up = interface_running(config_.interface.name);
    if (snapshot.interface_up != interface_was_up_) {
      interface_was_up_ = snapshot.interface_up;
      if (snapshot.interface_up) {
        spdlog::info("capture interface {} is up again", config_.interface.name);
      } else {
        spdlog::warn("capture interface {} is down: /healthz reports unhealthy",
                     config_.interface.name);
      }
    }
    if (status_) {
      const HealthVerdict verdict = evaluate_health(snapshot);
      const StatusHeader header{config_.mesh_port, mesh_format(),
                                std::chrono::duration<double>(clock_.now() - started_).count(),
                                verdict.healthy, verdict.text};
      status_->publish(status_document(header, snapshot, clock_.now()));
    }
    if (metrics_) metrics_->publish(std::move(snapshot));
  }

  void write_stats() {
    if (!config_.stats_file) return;
    const std::string error = write_file_atomically(
        *config_.stats_file,
        stats_json(core_->counters(), peers_.peers(), core_->peer_health().peers(), clock_.now()));
    if (!error.empty()) spdlog::error("cannot write --stats-file: {}", error);
  }

  const Config& config_;
  SignalFd& signals_;
  ResolvingPeerDirectory& peers_;
  SteadyClock clock_;
  TrafficKinds kinds_;
  MulticastMembership membership_;  // joined before the capture starts, left at exit
  PcapFrameSource source_;
  PacketSocketSink sink_;
  std::unique_ptr<LocalDeliverySink> local_sink_;  // host-local; none on loopback
  UdpMeshSocket mesh_;
  std::unique_ptr<MeshKeyring> keyring_;
  std::uint64_t sender_id_;
  std::unique_ptr<RelayCore> core_;  // on the heap: it holds ~1.3 MB of fixed buffers
  std::optional<MetricsServer> metrics_;
  std::optional<StatusServer> status_;
  TimePoint started_ = clock_.now();
  bool interface_was_up_ = true;
};

// `snowsignal status`: what the relay on the socket says, as a screen or as JSON.
int show_status(const StatusRequest& request) {
  const StatusFetch fetched = fetch_status(request.socket);
  if (!fetched.ok) {
    std::fprintf(stderr, "snowsignal status: %s\n", fetched.error.c_str());
    return 2;
  }
  const StatusScreen screen = render_status(fetched.document);
  if (!screen.readable) {
    std::fprintf(stderr, "snowsignal status: %s\n", screen.text.c_str());
  } else {
    std::fputs(request.json ? fetched.document.c_str() : screen.text.c_str(), stdout);
  }
  return status_exit_code(screen);
}

int run(int argc, char** argv) {
  SignalFd signals;  // first, before anything could start a thread
  const TinsInterfaceLookup interfaces;
  const ConfigOutcome outcome = parse_config(std::vector<std::string>(argv + 1, argv + argc),
                                             process_environment(), interfaces);
  if (outcome.health_check) return probe_health(*outcome.health_check);
  if (outcome.status) return show_status(*outcome.status);
  if (!outcome.config) {
    std::fprintf(outcome.exit_code == 0 ? stdout : stderr, "%s\n", outcome.message.c_str());
    return outcome.exit_code;
  }
  const Config& config = *outcome.config;
  // Before anything opens a socket: without it the capture would fail later with a
  // bare EPERM that names nothing the user can set.
  if (acquire_net_raw() == NetRaw::kMissing) {
    std::fprintf(stderr, "%s\n", net_raw_missing_message().c_str());
    return 2;
  }

  auto logger = spdlog::stderr_logger_st("snowsignal");
  spdlog::set_default_logger(logger);
  spdlog::set_level(to_spdlog(config.log_level));
  spdlog::flush_on(spdlog::level::info);

  BackgroundNameResolver resolver(std::make_unique<DnsNameResolver>());
  ResolvingPeerDirectory peers(resolver, config.other_relays, config.service_name,
                               own_addresses(config.interface), primary_address(config.interface));
  if (auto unresolved = peers.start()) {
    std::fprintf(stderr, "snowsignal: %s: cannot resolve '%s'\n",
                 config.other_relays_source.c_str(), unresolved->c_str());
    return 2;
  }
  try {
    Daemon daemon(config, signals, peers);
    daemon.run();
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace snowsignal

int main(int argc, char** argv) {
  return snowsignal::run(argc, argv);
}
