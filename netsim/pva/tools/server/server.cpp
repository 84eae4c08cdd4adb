#include "server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <memory>
#include <random>
#include <vector>

#include "channel_service.h"
#include "pv_database.h"
#include "pva/codec.h"
#include "pva/fnv1a.h"
#include "pva/net/atomic_file.h"
#include "pva/net/interfaces.h"
#include "pva/net/signals.h"
#include "pva/net/socket.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"
#include "search_responder.h"
#include "server_stats.h"

namespace pva::server {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// pvxs servers on little-endian hosts speak little-endian on TCP
// (fixtures/pva/tcp-validation.pcap: SET_BYTE_ORDER flags 0x41).
constexpr ByteOrder kTcpOrder = ByteOrder::kLittle;
// Large enough for any UDP datagram: pvxs' own searches reach 1337 bytes and more.
constexpr std::size_t kUdpBuffer = 65536;
constexpr std::size_t kMaxConnections = 256;
// Validated connections without channels are closed after this idle time.
constexpr auto kLinger = 30s;
// A client that does not read its updates is dropped beyond this much queued output.
constexpr std::size_t kMaxQueuedOutput = 4u * 1024u * 1024u;
// Stats are written within this delay of a change (and every second regardless).
constexpr auto kStatsDebounce = 100ms;

struct Connection {
  net::UniqueFd fd;
  net::Endpoint peer;
  std::vector<std::uint8_t> in, out;
  Clock::time_point last_activity;
  bool validated = false;
  std::unique_ptr<ChannelService> channels;  // after validation
};

Guid random_guid() {
  std::random_device rd;
  Guid g{};
  for (auto& b : g) b = static_cast<std::uint8_t>(rd());
  return g;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

class Server {
 public:
  explicit Server(const ServerOptions& o)
      : opt_(o), self_{random_guid(), o.tcp_port}, stats_(self_.guid) {}

  int run();

 private:
  bool open_sockets();
  void on_udp_readable();
  void on_datagram(std::span<const std::uint8_t> data, const net::Endpoint& from);
  void on_accept();
  bool on_connection_readable(Connection& c);  // false: close it
  bool flush(Connection& c);                   // false: close it
  bool on_frame(Connection& c, const TcpFrame& f);
  void send_beacons();
  void write_stats();
  void post_monitors();
  bool malformed(Connection& c, DecodeError e);  // counts, logs; false: close it

  ServerOptions opt_;
  ServerIdentity self_;
  ServerStats stats_;
  net::SignalEvents signals_{SIGINT, SIGTERM, SIGUSR1};
  net::UniqueFd udp_, listener_, beacon_;
  std::list<Connection> conns_;
  PvDatabase db_;
  std::uint8_t beacon_seq_ = 0;
  std::vector<std::uint8_t> rx_ = std::vector<std::uint8_t>(kUdpBuffer);
  Clock::time_point last_stats_write_{};
  bool stop_ = false;
};

bool Server::open_sockets() {
  // SO_REUSEADDR: several servers on one host share 5076 like pvxs ones do, and
  // SO_BROADCAST lets the socket receive and answer broadcasts.
  auto udp = net::open_udp({opt_.udp_port, true, true});
  if (!udp.fd.valid()) {
    spdlog::error("cannot open UDP port {}: {}", opt_.udp_port, udp.error);
    return false;
  }
  auto tcp = net::open_tcp_listener(opt_.tcp_port);
  if (!tcp.fd.valid()) {
    spdlog::error("cannot listen on TCP port {}: {}", opt_.tcp_port, tcp.error);
    return false;
  }
  // pvxs sends beacons from their own ephemeral port (fixtures/pva/beacon.pcap).
  auto beacon = net::open_udp({0, false, true});
  if (!beacon.fd.valid()) {
    spdlog::error("cannot open beacon socket: {}", beacon.error);
    return false;
  }
  udp_ = std::move(udp.fd);
  listener_ = std::move(tcp.fd);
  beacon_ = std::move(beacon.fd);
  return true;
}

void Server::on_udp_readable() {
  // Bounded per wake-up so a flood cannot starve TCP and signals.
  for (int i = 0; i < 256; ++i) {
    net::Endpoint from;
    const auto n = net::receive_datagram(udp_.get(), rx_, from);
    if (!n) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        spdlog::warn("UDP receive failed: {}", std::strerror(errno));
      return;
    }
    on_datagram({rx_.data(), *n}, from);
  }
}

void Server::on_datagram(std::span<const std::uint8_t> data, const net::Endpoint& from) {
  // pvxs udp_collector.cpp ignores datagrams from multicast sources.
  if (net::is_multicast(from.ip)) {
    spdlog::debug("drop datagram from multicast source {}", from.to_string());
    return;
  }
  auto messages = decode_udp_datagram(data);
  if (!messages) {
    spdlog::info("drop {}-byte datagram from {}: {}", data.size(), from.to_string(),
                 reason_name(messages.error()));
    stats_.malformed_datagram();
    return;
  }
  std::size_t searches = 0;
  for (const auto& m : *messages) {
    const auto* search = std::get_if<Search>(&m.body);
    if (search == nullptr) continue;
    ++searches;
    const auto d = decide_search_reply(*search, from, opt_.pvs, self_);
    spdlog::info("search from {} seq {:#010x} flags {:#04x} channels {} claimed [{}]",
                 from.to_string(), search->sequence_id, search->flags, search->channels.size(),
                 join(d.claimed));
    if (!d.response) {
      spdlog::debug("no reply to {}: {}", from.to_string(), d.no_reply_reason);
      continue;
    }
    const auto bytes = encode_search_response(*d.response);
    const sockaddr_in to = d.reply_to->to_sockaddr();
    // From the search socket: pvxs replies from its UDP port (search-exchange.pcap).
    if (::sendto(udp_.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to) < 0) {
      spdlog::warn("reply to {} failed: {}", d.reply_to->to_string(), std::strerror(errno));
      continue;
    }
    stats_.response_sent();
    spdlog::debug("replied to {} found={} ids={}", d.reply_to->to_string(), d.response->found,
                  d.response->channel_ids.size());
  }
  if (searches > 0) stats_.search_datagram(from.to_string(), data, searches);
}

void Server::on_accept() {
  for (;;) {
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    net::UniqueFd fd(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&sa), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;
    const auto peer = net::Endpoint::from_sockaddr(sa);
    if (conns_.size() >= kMaxConnections) {
      spdlog::warn("refuse TCP peer {}: {} connections open", peer.to_string(), conns_.size());
      continue;
    }
    spdlog::info("TCP peer {} connected", peer.to_string());
    stats_.tcp_peer(ipv4_to_string(peer.ip));
    Connection& c = conns_.emplace_back();
    c.fd = std::move(fd);
    c.peer = peer;
    c.last_activity = Clock::now();
    // The server speaks first: byte order, then its validation request (pvxs order).
    c.out = encode_set_byte_order(kTcpOrder);
    const auto v = encode_server_validation(ServerValidation{}, kTcpOrder);
    c.out.insert(c.out.end(), v.begin(), v.end());
    if (!flush(c)) conns_.pop_back();
  }
}

bool Server::flush(Connection& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      spdlog::info("TCP peer {}: send failed: {}", c.peer.to_string(), std::strerror(errno));
      return false;
    }
    c.out.erase(c.out.begin(), c.out.begin() + n);
  }
  return true;
}

bool Server::malformed(Connection& c, DecodeError e) {
  spdlog::info("TCP peer {}: malformed input ({}), closing", c.peer.to_string(), reason_name(e));
  stats_.malformed_tcp(reason_name(e));
  return false;
}

bool Server::on_frame(Connection& c, const TcpFrame& f) {
  if (f.header.is_control()) return true;  // e.g. the client's SET_BYTE_ORDER echo
  if (c.channels && f.header.command != command::kConnectionValidation) {
    const auto err =
        c.channels->on_message(f.header, f.payload, c.out, std::chrono::system_clock::now());
    if (err) return malformed(c, *err);
    if (c.out.size() > kMaxQueuedOutput) {
      spdlog::info("TCP peer {}: {} bytes queued, closing", c.peer.to_string(), c.out.size());
      return false;
    }
    return true;
  }
  if (f.header.command != command::kConnectionValidation) {
    spdlog::debug("TCP peer {}: ignore command {:#04x}", c.peer.to_string(), f.header.command);
    return true;
  }
  auto v = decode_client_validation(f.payload, f.header.byte_order());
  if (!v) {
    return malformed(c, v.error());
  }
  const auto ok = encode_connection_validated(ConnectionValidated{}, kTcpOrder);
  c.out.insert(c.out.end(), ok.begin(), ok.end());
  c.validated = true;
  c.channels = std::make_unique<ChannelService>(db_, stats_.channels(), kTcpOrder);
  stats_.tcp_validated();
  spdlog::info("TCP peer {} validated (auth \"{}\")", c.peer.to_string(), v->auth_method);
  return true;
}

bool Server::on_connection_readable(Connection& c) {
  std::uint8_t buf[4096];
  const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
  if (n == 0) {
    spdlog::debug("TCP peer {} closed", c.peer.to_string());
    return false;
  }
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  c.last_activity = Clock::now();
  c.in.insert(c.in.end(), buf, buf + n);
  for (;;) {
    auto frame = next_tcp_frame(c.in);
    if (!frame) return malformed(c, frame.error());
    if (!frame->has_value()) return flush(c);
    const std::size_t consumed = (*frame)->consumed;
    if (!on_frame(c, **frame)) return false;
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(consumed));
  }
}

void Server::send_beacons() {
  Beacon b;
  b.guid = self_.guid;
  b.sequence = beacon_seq_++;
  b.server_port = self_.tcp_port;
  const auto bytes = encode_beacon(b);
  // Re-read interfaces each time: netsim may add links after we start.
  for (const auto& ip : net::ipv4_broadcast_addresses()) {
    const sockaddr_in to = net::Endpoint{ip, opt_.udp_port}.to_sockaddr();
    if (::sendto(beacon_.get(), bytes.data(), bytes.size(), 0,
                 reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0)
      spdlog::debug("beacon to {} failed: {}", ipv4_to_string(ip), std::strerror(errno));
  }
}

void Server::post_monitors() {
  for (auto& c : conns_) {
    if (!c.channels) continue;
    const std::size_t before = c.out.size();
    c.channels->post_monitors(c.out);
    if (c.out.size() != before) c.last_activity = Clock::now();
  }
}

void Server::write_stats() {
  last_stats_write_ = Clock::now();
  stats_.clean();
  if (opt_.stats_file.empty()) return;
  const auto err = net::write_file_atomically(opt_.stats_file, stats_.to_json().dump() + "\n");
  if (!err.empty()) spdlog::warn("stats file: {}", err);
}

int Server::run() {
  if (signals_.fd() < 0 || !open_sockets()) return 1;
  std::string pvs;
  for (const auto& p : opt_.pvs) {
    const auto it = opt_.initial_values.find(p);
    db_.add(p, it == opt_.initial_values.end() ? 0.0 : it->second,
            std::chrono::system_clock::now());
    pvs += (pvs.empty() ? "" : ",") + p;
  }
  spdlog::info("pva-server ready: udp 0.0.0.0:{} tcp 0.0.0.0:{} guid {} beacon {}s pvs [{}]",
               opt_.udp_port, opt_.tcp_port, hex_bytes(self_.guid), opt_.beacon_interval_s, pvs);
  write_stats();

  const bool beacons = opt_.beacon_interval_s > 0;
  const auto beacon_period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(beacons ? opt_.beacon_interval_s : 1.0));
  auto next_beacon = Clock::now();  // pvxs announces itself on start-up
  const bool scans = opt_.update_period_s > 0;
  const auto scan_period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(scans ? opt_.update_period_s : 1.0));
  auto next_scan = Clock::now() + scan_period;

  std::vector<pollfd> fds;
  std::vector<Connection*> polled;
  while (!stop_) {
    auto now = Clock::now();
    if (beacons && now >= next_beacon) {
      send_beacons();
      next_beacon = now + beacon_period;
    }
    if (scans && now >= next_scan) {
      db_.scan(std::chrono::system_clock::now());
      next_scan = now + scan_period;
    }
    // After scans and after PUTs on any connection: every monitor of a changed PV.
    post_monitors();
    if ((stats_.dirty() && now - last_stats_write_ >= kStatsDebounce) ||
        now - last_stats_write_ >= 1s)
      write_stats();
    std::erase_if(conns_, [&](const Connection& c) {
      return c.validated && c.out.empty() && (!c.channels || c.channels->idle()) &&
             now - c.last_activity > kLinger;
    });

    auto wake = now + 1s;
    if (beacons) wake = std::min(wake, next_beacon);
    if (scans) wake = std::min(wake, next_scan);
    if (stats_.dirty()) wake = std::min(wake, last_stats_write_ + kStatsDebounce);
    const auto timeout_ms = std::max<long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1);

    fds.clear();
    polled.clear();
    fds.push_back({signals_.fd(), POLLIN, 0});
    fds.push_back({udp_.get(), POLLIN, 0});
    fds.push_back({listener_.get(), POLLIN, 0});
    for (auto& c : conns_) {
      fds.push_back({c.fd.get(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
      polled.push_back(&c);
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(timeout_ms)) < 0 && errno != EINTR) {
      spdlog::error("poll failed: {}", std::strerror(errno));
      break;
    }
    if (fds[0].revents != 0) {
      while (auto sig = signals_.take()) {
        if (*sig == SIGUSR1) {
          write_stats();
        } else {
          spdlog::info("signal {}: stopping", *sig);
          stop_ = true;
        }
      }
    }
    if (fds[1].revents != 0) on_udp_readable();
    std::vector<Connection*> dead;
    for (std::size_t i = 0; i < polled.size(); ++i) {
      const short ev = fds[i + 3].revents;
      if (ev == 0) continue;
      Connection& c = *polled[i];
      bool keep = true;
      if (ev & (POLLIN | POLLHUP | POLLERR)) keep = on_connection_readable(c);
      if (keep && (ev & POLLOUT)) keep = flush(c);
      if (!keep) dead.push_back(&c);
    }
    conns_.remove_if(
        [&](const Connection& c) { return std::find(dead.begin(), dead.end(), &c) != dead.end(); });
    if (fds[2].revents != 0) on_accept();
  }
  write_stats();
  return 0;
}

}  // namespace

int run_server(const ServerOptions& options) {
  return Server(options).run();
}

}  // namespace pva::server
