#include "client.h"

#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

#include "addr_list.h"
#include "pva/channel.h"
#include "pva/codec.h"
#include "pva/fnv1a.h"
#include "pva/net/signals.h"
#include "pva/net/socket.h"
#include "pva/search_splitter.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"
#include "search_schedule.h"

namespace pva::client {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kUdpBuffer = 65536;

// One PV's channel on a server connection; its cid doubles as the request id (ioid).
struct Channel {
  enum class Stage { kCreating, kInit, kExec, kReadBack, kMonitoring, kDone };
  std::size_t pv = 0;  // index into the report
  std::uint32_t cid = 0;
  std::uint32_t sid = 0;
  Stage stage = Stage::kCreating;
  std::vector<FlatField> flat;  // the type from the INIT reply
};

struct ServerConn {
  enum class State { kConnecting, kHandshake, kValidated, kFailed };
  net::UniqueFd fd;
  State state = State::kConnecting;
  std::vector<std::uint8_t> in, out;
  // The server announces its byte order with SET_BYTE_ORDER; we answer in it.
  ByteOrder order = ByteOrder::kLittle;
  TypeCache cache;  // the server's 0xFD type-cache slots
  std::vector<Channel> channels;
  bool lost = false;  // closed after validation: remove, and search again
};

class Client {
 public:
  explicit Client(const ClientOptions& o) : opt_(o) {}
  ClientReport run(std::string& setup_error);

 private:
  void send_round();
  void on_udp_readable();
  void on_response(const SearchResponse& r, const net::Endpoint& from);
  void start_connection(const net::Endpoint& server);
  void on_conn_event(const net::Endpoint& ep, ServerConn& c, short revents);
  bool on_conn_readable(ServerConn& c);
  bool on_frame(ServerConn& c, const TcpFrame& f);
  bool flush(ServerConn& c);
  void finish(const net::Endpoint& ep, ServerConn& c, bool validated);
  void lose(const net::Endpoint& ep, ServerConn& c);
  void fail_connection(const net::Endpoint& ep, ServerConn& c);
  bool done() const;
  bool terminal(const ServerConn& c) const;
  void open_channels(const net::Endpoint& ep, ServerConn& c);
  bool on_channel_frame(ServerConn& c, const TcpFrame& f);
  bool on_op_response(ServerConn& c, Channel& ch, const OpResponse& m);
  void send(ServerConn& c, const Bytes& b) { c.out.insert(c.out.end(), b.begin(), b.end()); }
  void send_op(ServerConn& c, const Channel& ch, std::uint8_t sub, Bytes body = {});
  void fail_channel(Channel& ch, std::string why);
  bool operating() const { return opt_.op != Operation::kNone; }

  ClientOptions opt_;
  ClientReport report_;
  std::vector<SearchChannel> channels_;  // index i is report_.pvs[i]
  Search base_;
  net::UniqueFd udp_;
  std::map<net::Endpoint, ServerConn> conns_;
  Clock::time_point start_{};
  std::vector<std::uint8_t> rx_ = std::vector<std::uint8_t>(kUdpBuffer);
  std::map<std::string, bool> send_errors_logged_;
  std::vector<bool> lost_pv_;  // lost its server while monitoring: count the reconnect
  std::uint32_t next_cid_ = 1;
  bool search_again_ = false;
};

void Client::send_round() {
  std::vector<SearchChannel> wanted;
  for (std::size_t i = 0; i < channels_.size(); ++i)
    if (!report_.pvs[i].found) wanted.push_back(channels_[i]);
  auto datagrams = split_search(base_, wanted, opt_.max_datagram);
  if (!datagrams) return;  // checked by main before we start
  for (const auto& target : opt_.targets) {
    const bool broadcast = is_broadcast_target(target.ip, opt_.interface_broadcasts);
    const sockaddr_in to = target.to_sockaddr();
    for (auto s : *datagrams) {
      if (!broadcast) s.flags |= search_flag::kUnicast;
      const auto bytes = encode_search(s);
      if (::sendto(udp_.get(), bytes.data(), bytes.size(), 0,
                   reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
        // Log each distinct failure once: e.g. EMSGSIZE for a too large --max-datagram.
        const std::string err = target.to_string() + ": " + std::strerror(errno);
        if (!send_errors_logged_[err]) {
          send_errors_logged_[err] = true;
          spdlog::error("search of {} bytes to {} failed", bytes.size(), err);
        }
        continue;
      }
      ++report_.datagrams_sent;
      if (report_.sent_payloads.size() < kMaxPayloadPrints)
        report_.sent_payloads.push_back({bytes.size(), fnv1a64(bytes)});
      spdlog::debug("sent {}-byte search ({} channels) to {}", bytes.size(), s.channels.size(),
                    target.to_string());
    }
  }
}

void Client::on_udp_readable() {
  for (int i = 0; i < 256; ++i) {
    net::Endpoint from;
    const auto n = net::receive_datagram(udp_.get(), rx_, from);
    if (!n) return;
    auto messages = decode_udp_datagram({rx_.data(), *n});
    if (!messages) {
      spdlog::info("drop {}-byte datagram from {}: {}", *n, from.to_string(),
                   reason_name(messages.error()));
      continue;
    }
    for (const auto& m : *messages)
      if (const auto* r = std::get_if<SearchResponse>(&m.body)) on_response(*r, from);
  }
}

void Client::on_response(const SearchResponse& r, const net::Endpoint& from) {
  // pvxs: an unspecified server address means "the IP source of this reply".
  net::Endpoint server{from.ip, r.server_port};
  if (!r.server_address.is_unspecified()) {
    auto v4 = r.server_address.ipv4();
    if (!v4) {
      spdlog::info("ignore response from {}: IPv6 server address", from.to_string());
      return;
    }
    server.ip = *v4;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  spdlog::info("response from {} seq {:#010x} found={} ids={} server {}", from.to_string(),
               r.sequence_id, r.found, r.channel_ids.size(), server.to_string());
  if (!r.found) return;
  for (auto id : r.channel_ids) {
    for (std::size_t i = 0; i < channels_.size(); ++i) {
      if (channels_[i].id != id || report_.pvs[i].found) continue;
      auto& pv = report_.pvs[i];
      pv.found = true;
      pv.server = server;
      pv.guid = r.guid;
      pv.seconds = seconds;
      if (opt_.connect) start_connection(server);
    }
  }
}

void Client::start_connection(const net::Endpoint& server) {
  if (conns_.count(server) != 0) {
    auto& c = conns_[server];
    if (c.state == ServerConn::State::kValidated) {
      for (auto& pv : report_.pvs)
        if (pv.server == server) pv.tcp_validated = true;
      if (operating() && c.fd.valid()) open_channels(server, c);
    }
    return;
  }
  ServerConn& c = conns_[server];
  auto s = net::start_tcp_connect(server);
  if (!s.fd.valid()) {
    spdlog::warn("TCP {}: {}", server.to_string(), s.error);
    c.state = ServerConn::State::kFailed;
    return;
  }
  c.fd = std::move(s.fd);
}

bool Client::flush(ServerConn& c) {
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    c.out.erase(c.out.begin(), c.out.begin() + n);
  }
  return true;
}

bool Client::on_frame(ServerConn& c, const TcpFrame& f) {
  const auto& h = f.header;
  if (h.is_control()) {
    if (h.command == control::kSetByteOrder) c.order = h.byte_order();
    return true;
  }
  if (h.command == command::kConnectionValidation) {
    auto v = decode_server_validation(f.payload, h.byte_order());
    if (!v) {
      spdlog::warn("bad CONNECTION_VALIDATION from server: {}", reason_name(v.error()));
      return false;
    }
    // "anonymous" with the null typed value (pva-notes.md step 3); pvxs servers offer it.
    const auto reply = encode_client_validation(ClientValidation{}, c.order);
    c.out.insert(c.out.end(), reply.begin(), reply.end());
    return flush(c);
  }
  if (h.command == command::kConnectionValidated) {
    auto v = decode_connection_validated(f.payload, h.byte_order());
    if (!v) {
      spdlog::warn("bad CONNECTION_VALIDATED from server: {}", reason_name(v.error()));
      return false;
    }
    if (!v->status.ok()) {
      spdlog::warn("server refused validation: {}", v->status.message);
      return false;
    }
    c.state = ServerConn::State::kValidated;
    return true;
  }
  if (c.state == ServerConn::State::kValidated && operating()) return on_channel_frame(c, f);
  return true;
}

void Client::open_channels(const net::Endpoint& ep, ServerConn& c) {
  for (std::size_t i = 0; i < report_.pvs.size(); ++i) {
    const auto& pv = report_.pvs[i];
    if (!pv.found || pv.server != ep) continue;
    if (std::any_of(c.channels.begin(), c.channels.end(),
                    [&](const Channel& ch) { return ch.pv == i; }))
      continue;
    Channel& ch = c.channels.emplace_back();
    ch.pv = i;
    ch.cid = next_cid_++;
    send(c, encode_create_channel_request({{{ch.cid, pv.name}}}, c.order));
  }
  flush(c);
}

void Client::send_op(ServerConn& c, const Channel& ch, std::uint8_t sub, Bytes body) {
  const std::uint8_t cmd = opt_.op == Operation::kGet   ? command::kGet
                           : opt_.op == Operation::kPut ? command::kPut
                                                        : command::kMonitor;
  send(c, encode_op_request(OpRequest{cmd, ch.sid, ch.cid, sub, std::move(body)}, c.order));
}

void Client::fail_channel(Channel& ch, std::string why) {
  spdlog::warn("{}: {}", report_.pvs[ch.pv].name, why);
  report_.pvs[ch.pv].error = std::move(why);
  ch.stage = Channel::Stage::kDone;
}

bool Client::on_channel_frame(ServerConn& c, const TcpFrame& f) {
  const auto& h = f.header;
  const ByteOrder o = h.byte_order();
  auto find = [&](std::uint32_t cid) -> Channel* {
    for (auto& ch : c.channels)
      if (ch.cid == cid) return &ch;
    return nullptr;
  };
  if (h.command == command::kCreateChannel) {
    auto m = decode_create_channel_response(f.payload, o);
    if (!m) {
      spdlog::warn("bad CREATE_CHANNEL reply: {}", reason_name(m.error()));
      return false;
    }
    Channel* ch = find(m->cid);
    if (ch == nullptr || ch->stage != Channel::Stage::kCreating) return true;
    if (!m->status.ok()) {
      fail_channel(*ch, m->status.message);
      return true;
    }
    ch->sid = m->sid;
    ch->stage = Channel::Stage::kInit;
    if (lost_pv_[ch->pv]) {
      lost_pv_[ch->pv] = false;
      ++report_.pvs[ch->pv].reconnects;
    }
    send_op(c, *ch, subcmd::kInit, encode_default_pv_request(c.order));
    return flush(c);
  }
  if (h.command != command::kGet && h.command != command::kPut && h.command != command::kMonitor)
    return true;  // ECHO and the rest: nothing to do
  auto m = decode_op_response(h.command, f.payload, o);
  if (!m) {
    spdlog::warn("bad reply {:#04x}: {}", h.command, reason_name(m.error()));
    return false;
  }
  Channel* ch = find(m->ioid);
  if (ch == nullptr || ch->stage == Channel::Stage::kDone) return true;
  if (!on_op_response(c, *ch, *m)) return false;
  return flush(c);
}

bool Client::on_op_response(ServerConn& c, Channel& ch, const OpResponse& m) {
  auto& pv = report_.pvs[ch.pv];
  const ByteOrder o = c.order;
  using Stage = Channel::Stage;
  if (ch.stage == Stage::kInit && (m.subcmd & subcmd::kInit)) {
    auto r = decode_init_reply(m.body, o, c.cache);
    if (!r) {
      spdlog::warn("{}: bad INIT reply: {}", pv.name, reason_name(r.error()));
      return false;
    }
    if (!r->status.ok()) {
      fail_channel(ch, r->status.message);
      return true;
    }
    ch.flat = flatten(r->type);
    const std::size_t v = find_field(ch.flat, "value");
    const std::uint8_t code = v < ch.flat.size() ? ch.flat[v].code : type_code::kStruct;
    if (code == type_code::kStruct || code == type_code::kString) {
      // We read and write numbers only; anything else is a mismatch we report.
      fail_channel(ch, "type mismatch: value is not a number");
      return true;
    }
    if (opt_.op == Operation::kGet) {
      ch.stage = Stage::kExec;
      send_op(c, ch, subcmd::kExec);
    } else if (opt_.op == Operation::kPut) {
      FieldsBody body{{}, default_value(ch.flat)};
      body.changed.set(v);
      if (code == type_code::kDouble || code == type_code::kFloat) {
        body.value.fields[v] = opt_.put_value;
      } else if (code >= type_code::kUInt8) {
        body.value.fields[v] = static_cast<std::uint64_t>(std::llround(opt_.put_value));
      } else {
        body.value.fields[v] = static_cast<std::int64_t>(std::llround(opt_.put_value));
      }
      ch.stage = Stage::kExec;
      send_op(c, ch, subcmd::kExec, encode_fields_body(body, ch.flat, o));
    } else {
      ch.stage = Stage::kMonitoring;
      send_op(c, ch, subcmd::kGet | subcmd::kStartStop);
    }
    return true;
  }
  const std::size_t v = find_field(ch.flat, "value");
  if (ch.stage == Stage::kMonitoring && m.subcmd == subcmd::kExec) {
    auto u = decode_monitor_update(m.body, o, ch.flat);
    if (!u) {
      spdlog::warn("{}: bad MONITOR update: {}", pv.name, reason_name(u.error()));
      return false;
    }
    if (u->data.changed.test(0) || u->data.changed.test(v))
      pv.value = as_double(u->data.value.fields[v]);
    ++pv.updates;
    ++pv.updates_since_reconnect;
    return true;
  }
  if (ch.stage == Stage::kExec && opt_.op == Operation::kPut) {
    auto st = decode_status_body(m.body, o);
    if (!st) return false;
    if (!st->ok()) {
      fail_channel(ch, st->message);
      return true;
    }
    ch.stage = Stage::kReadBack;  // read the value back, as pvxput's 0x40 does first
    send_op(c, ch, subcmd::kGet);
    return true;
  }
  if (ch.stage == Stage::kExec || ch.stage == Stage::kReadBack) {
    auto d = decode_data_reply(m.body, o, ch.flat);
    if (!d) {
      spdlog::warn("{}: bad data reply: {}", pv.name, reason_name(d.error()));
      return false;
    }
    if (!d->status.ok()) {
      fail_channel(ch, d->status.message);
      return true;
    }
    pv.value = as_double(d->data.value.fields[v]);
    ch.stage = Stage::kDone;
    send(c, encode_destroy_request({ch.sid, ch.cid}, o));
  }
  return true;
}

bool Client::on_conn_readable(ServerConn& c) {
  std::uint8_t buf[4096];
  const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  c.in.insert(c.in.end(), buf, buf + n);
  while (c.state == ServerConn::State::kHandshake ||
         (c.state == ServerConn::State::kValidated && operating())) {
    auto frame = next_tcp_frame(c.in);
    if (!frame) {
      spdlog::warn("TCP stream from server: {}", reason_name(frame.error()));
      return false;
    }
    if (!frame->has_value()) break;
    const std::size_t consumed = (*frame)->consumed;
    if (!on_frame(c, **frame)) return false;
    c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(consumed));
  }
  return true;
}

void Client::finish(const net::Endpoint& ep, ServerConn& c, bool validated) {
  c.state = validated ? ServerConn::State::kValidated : ServerConn::State::kFailed;
  if (validated && operating()) {
    spdlog::info("TCP {} validated", ep.to_string());
    for (auto& pv : report_.pvs)
      if (pv.server == ep) pv.tcp_validated = true;
    open_channels(ep, c);
    return;
  }
  c.fd.reset();
  spdlog::info("TCP {} {}", ep.to_string(), validated ? "validated" : "failed");
  for (auto& pv : report_.pvs) {
    if (pv.server != ep) continue;
    pv.tcp_validated = validated;
    if (!validated && operating() && pv.error.empty()) pv.error = "TCP connection failed";
  }
}

// The server closed a validated connection (or sent garbage). MONITOR: forget where
// its PVs were and search again, so a restarted server is found through the relays;
// GET/PUT: what was not done fails.
void Client::lose(const net::Endpoint& ep, ServerConn& c) {
  spdlog::warn("TCP {} lost", ep.to_string());
  c.fd.reset();
  c.lost = true;
  for (std::size_t i = 0; i < report_.pvs.size(); ++i) {
    auto& pv = report_.pvs[i];
    if (pv.server != ep) continue;
    if (opt_.op == Operation::kMonitor) {
      pv.found = false;
      pv.server.reset();
      pv.guid.reset();
      pv.tcp_validated = false;
      pv.updates_since_reconnect = 0;
      lost_pv_[i] = true;
      search_again_ = true;
    } else if (!pv.value && pv.error.empty()) {
      pv.error = "connection lost";
    }
  }
}

// A connection that never got validated. A monitor does not give up on its PVs: it
// searches again (the answer may have come from a server that died since).
void Client::fail_connection(const net::Endpoint& ep, ServerConn& c) {
  if (opt_.op == Operation::kMonitor) {
    lose(ep, c);
  } else {
    finish(ep, c, false);
  }
}

void Client::on_conn_event(const net::Endpoint& ep, ServerConn& c, short revents) {
  if (c.state == ServerConn::State::kConnecting) {
    if (const int err = net::connect_error(c.fd.get()); err != 0) {
      spdlog::warn("TCP connect {}: {}", ep.to_string(), std::strerror(err));
      fail_connection(ep, c);
      return;
    }
    c.state = ServerConn::State::kHandshake;
  }
  const bool was_validated = c.state == ServerConn::State::kValidated;
  bool keep = true;
  if (revents & (POLLIN | POLLHUP | POLLERR)) keep = on_conn_readable(c);
  if (keep && (revents & POLLOUT)) keep = flush(c);
  if (was_validated) {
    if (!keep) lose(ep, c);
  } else if (c.state == ServerConn::State::kValidated) {
    finish(ep, c, true);
  } else if (!keep) {
    fail_connection(ep, c);
  }
}

bool Client::terminal(const ServerConn& c) const {
  if (c.state == ServerConn::State::kFailed || c.lost) return true;
  if (c.state != ServerConn::State::kValidated) return false;
  return !operating() || !c.fd.valid();
}

bool Client::done() const {
  if (!report_.all_found()) return false;
  if (!opt_.connect) return true;
  if (opt_.op == Operation::kMonitor) return false;  // runs until the deadline
  if (operating())                                   // GET/PUT: every PV answered (value or error)
    return std::all_of(report_.pvs.begin(), report_.pvs.end(),
                       [](const PvResult& p) { return p.value || !p.error.empty(); });
  for (const auto& [ep, c] : conns_)
    if (!terminal(c)) return false;
  return true;
}

ClientReport Client::run(std::string& setup_error) {
  auto udp = net::open_udp({0, false, true});
  if (!udp.fd.valid()) {
    setup_error = "cannot open UDP socket: " + udp.error;
    return report_;
  }
  udp_ = std::move(udp.fd);
  net::SignalEvents signals{SIGINT, SIGTERM};

  // Like pvxs, so our datagrams are byte-identical to pvxget's for the same names and
  // port, and repeats are identical too (relays de-duplicate those within 500 ms).
  base_.sequence_id = kPvxsSearchSequenceId;
  base_.response_address = Address::zero();  // like pvxs: "reply to the IP source"
  base_.response_port = net::local_port(udp_.get());
  for (std::size_t i = 0; i < opt_.pvs.size(); ++i) {
    channels_.push_back({kPvxsFirstChannelId + static_cast<std::uint32_t>(i), opt_.pvs[i]});
    PvResult pv;
    pv.name = opt_.pvs[i];
    report_.pvs.push_back(std::move(pv));
  }
  report_.op = opt_.op;
  lost_pv_.assign(opt_.pvs.size(), false);
  spdlog::info("searching {} PVs from UDP port {} to {} addresses", opt_.pvs.size(),
               base_.response_port, opt_.targets.size());

  start_ = Clock::now();
  const auto deadline = start_ + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(opt_.timeout_s));
  auto next_send = start_;
  unsigned retries = 0;
  std::vector<pollfd> fds;
  std::vector<std::pair<net::Endpoint, ServerConn*>> polled;
  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) break;
    if (search_again_) {  // a monitored server went away: start the back-off over
      search_again_ = false;
      retries = 0;
      next_send = now;
    }
    if (!report_.all_found() && now >= next_send) {
      send_round();
      next_send = now + retry_delay(retries++);
    }
    auto wake = deadline;
    if (!report_.all_found()) wake = std::min(wake, next_send);
    const auto timeout_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;

    fds.clear();
    polled.clear();
    fds.push_back({signals.fd(), POLLIN, 0});
    fds.push_back({udp_.get(), POLLIN, 0});
    for (auto& [ep, c] : conns_) {
      if (terminal(c) || !c.fd.valid()) continue;
      const bool want_out = c.state == ServerConn::State::kConnecting || !c.out.empty();
      fds.push_back({c.fd.get(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0});
      polled.emplace_back(ep, &c);
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<long>(0, timeout_ms))) < 0 &&
        errno != EINTR)
      break;
    if (fds[0].revents != 0 && signals.take()) {
      spdlog::info("interrupted");
      break;
    }
    if (fds[1].revents != 0) on_udp_readable();
    for (std::size_t i = 0; i < polled.size(); ++i)
      if (fds[i + 2].revents != 0)
        on_conn_event(polled[i].first, *polled[i].second, fds[i + 2].revents);
    // A lost server may come back at the same address: forget the old connection.
    std::erase_if(conns_, [](const auto& kv) { return kv.second.lost; });
  }
  return report_;
}

}  // namespace

ClientReport run_client(const ClientOptions& options, std::string& setup_error) {
  return Client(options).run(setup_error);
}

}  // namespace pva::client
