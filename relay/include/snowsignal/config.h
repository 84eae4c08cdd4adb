// Command line and environment, parsed by a pure function: argv, an environment map and
// an interface lookup in, a Config or one line of error out. No network is touched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "snowsignal/interface_info.h"
#include "snowsignal/net_types.h"
#include "snowsignal/traffic.h"

namespace snowsignal {

enum class LogLevel { kDebug, kInfo, kWarning, kError, kCritical };

// ADDR:PORT of the metrics and health endpoint (IPv4; 0.0.0.0 for every address).
struct Endpoint {
  Ipv4Address address;
  std::uint16_t port = 0;
  std::string to_string() const { return address.to_string() + ":" + std::to_string(port); }
};

struct Config {
  InterfaceInfo interface;
  TrafficConfig traffic;  // broadcast ports (default 5076 alone) and multicast groups
  std::uint16_t mesh_port = 7124;
  // Host names or addresses of the other relays, and where they came from
  // ("--other-relays" or "OTHER_RELAYS") so errors can name it.
  std::vector<std::string> other_relays;
  std::string other_relays_source;
  std::optional<std::string> service_name;  // SERVICENAME: discover tasks.<name>
  LogLevel log_level = LogLevel::kInfo;
  unsigned stats_interval_s = 0;  // 0: no periodic stats
  std::optional<std::string> stats_file;
  unsigned dedup_window_ms = 500;  // 0: no dedup (pure SnowSignal behaviour)
  // PVA on the relay's host: relay this host's own broadcasts, deliver re-broadcasts to
  // its listeners (relay_core.h, RelaySettings::host_local). Off with no dedup window.
  bool host_local = true;
  // Designated-forwarder election: segment hello interval; 0 = off (also with no dedup
  // window, or no IPv4 address on the interface).
  unsigned election_interval_ms = 1000;
  // The interface has no IPv4 address: what of the configuration cannot be relayed
  // there and was left out ("IPv4 broadcast ports 5076"), for the start-up warning.
  std::string ipv4_not_relayed;
  // Capture ring size in frames (each slot holds one MTU-sized frame): what a burst of
  // back-to-back broadcasts must fit in while we are not scheduled.
  unsigned capture_ring_frames = 8192;
  // ...but never more kernel memory than this: a slot follows the MTU (1 GiB for 8192
  // frames on loopback's 65536).
  std::size_t capture_ring_memory = std::size_t{32} << 20;
  // SO_RCVBUF and SO_SNDBUF of the mesh socket, in bytes (the kernel caps it at
  // net.core.rmem_max/wmem_max unless we hold CAP_NET_ADMIN).
  unsigned mesh_socket_buffer = 8 * 1024 * 1024;
  // Mesh format v2 (relay/README.md "Mesh format v2"). No key file: v1 only.
  std::optional<std::string> mesh_key_file;
  // The keys read from it, as (key id, secret), in file order: the first one signs.
  std::vector<std::pair<std::uint8_t, std::vector<Byte>>> mesh_keys;
  bool accept_v1 = false;                   // with a key: still accept v1 from peers
  unsigned heartbeat_interval_s = 2;        // v2 heartbeats; 0 = off
  unsigned mesh_datagram_size = 1472;       // v2 batches fill datagrams up to this size
  std::optional<Endpoint> metrics_address;  // --metrics-address: /metrics and /healthz
  // --status-socket: where `snowsignal status` finds this relay; unset: none.
  std::optional<std::string> status_socket;
};

// `snowsignal status [--json] [--status-socket PATH]`: ask a running relay.
struct StatusRequest {
  std::string socket;
  bool json = false;
};

struct ConfigOutcome {
  std::optional<Config> config;  // set when the relay should run
  int exit_code = 0;             // when config is unset: 0 after --help/--version, 2 on error
  std::string message;           // help/version text, or the one-line error
  // `--health-check [ADDR:PORT]`: probe a running relay's /healthz instead of relaying.
  std::optional<Endpoint> health_check = std::nullopt;
  // `status`: show what a running relay says instead of relaying.
  std::optional<StatusRequest> status = std::nullopt;
};

using Environment = std::map<std::string, std::string>;

ConfigOutcome parse_config(std::vector<std::string> args, const Environment& env,
                           const InterfaceLookup& interfaces);

// Where the relay serves, and `snowsignal status` asks, when STATUS_SOCKET and
// --status-socket are not given.
std::string default_status_socket(const Environment& env);

}  // namespace snowsignal
