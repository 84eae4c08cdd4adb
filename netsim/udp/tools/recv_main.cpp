// udp-recv: receives udp-send's test datagrams on a port (optionally in a multicast
// group) until COUNT distinct ones arrived, or the timeout, or an idle gap; checks
// every byte; prints one JSON report (udp/receive_tally.h) on stdout and, once the
// socket is bound, one line "udp-recv ready: ..." on stderr that netsim waits for.
// Exit 0: all COUNT arrived intact; 1: not; 2: usage.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <vector>

#include "command_line.h"
#include "pva/net/atomic_file.h"
#include "pva/net/signals.h"
#include "pva/net/socket.h"
#include "udp/address_guard.h"
#include "udp/payload.h"
#include "udp/receive_tally.h"
#include "udp/socket_setup.h"

namespace {

constexpr std::uint32_t kMaxCount = 10'000'000;
constexpr double kMaxSeconds = 600;
constexpr unsigned kBatch = 64;

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "udp-recv: %s\n", msg.c_str());
  return code;
}

// One recvmmsg batch: buffers, addresses and control space per message.
struct Batch {
  std::vector<std::uint8_t> data = std::vector<std::uint8_t>(kBatch * udp::kMaxPayload);
  std::array<sockaddr_storage, kBatch> from{};
  std::array<std::array<char, CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(std::uint32_t)) +
                                  CMSG_SPACE(sizeof(int))>,
             kBatch>
      control{};
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  void reset() {
    for (unsigned i = 0; i < kBatch; ++i) {
      iov[i] = {data.data() + i * udp::kMaxPayload, udp::kMaxPayload};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control[i].data();
      msgs[i].msg_hdr.msg_controllen = control[i].size();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Receives and checks udp-send's test datagrams (see netsim/README.md, udp-recv)",
               "udp-recv"};
  std::string bind_text, group_text, ifname, report_file, level = "warn";
  std::uint16_t port = 0;
  std::uint32_t count = 0;
  double timeout = 10, idle = 0, linger = 0;
  int rcvbuf = 16 << 20;
  bool reuse = false, ipv6 = false;
  app.add_option("-p,--port", port, "UDP port to bind")->required()->check(CLI::Range(1, 65535));
  app.add_option("-n,--count", count, "datagrams expected (sequence numbers 0..COUNT-1)")
      ->required()
      ->check(CLI::Range(std::uint32_t{1}, kMaxCount));
  app.add_option("-t,--timeout", timeout, "give up after SECONDS (at most 600)")
      ->check(CLI::Range(0.001, kMaxSeconds));
  app.add_option("--idle", idle, "stop after SECONDS without a datagram, once one arrived (0: off)")
      ->check(CLI::Range(0.0, kMaxSeconds));
  app.add_option("--linger", linger, "after COUNT arrived, go on SECONDS to count duplicates")
      ->check(CLI::Range(0.0, kMaxSeconds));
  app.add_option("--bind", bind_text, "local address to bind (default: any)");
  app.add_option("-g,--group", group_text, "multicast group to join");
  app.add_option("-i,--interface", ifname, "interface for the group join");
  app.add_flag(
      "-6,--ipv6", ipv6,
      "bind the IPv6 wildcard [::] (default 0.0.0.0; a group or --bind sets the family itself)");
  app.add_option("--rcvbuf", rcvbuf, "socket receive buffer bytes (default 16 MiB)")
      ->check(CLI::Range(4096, 1 << 30));
  app.add_flag("--reuse", reuse, "SO_REUSEADDR (share the port with another listener)");
  app.add_option("--report", report_file, "also write the JSON report to this file");
  pva::tools::add_log_level_option(app, level);
  if (auto exit = pva::tools::parse_command_line(app, argc, argv, "udp-recv")) return *exit;

  udp::Endpoint group;
  if (!group_text.empty()) {
    auto g = udp::parse_endpoint(group_text, false);
    if (!g.error.empty()) return fail(g.error, pva::tools::kUsageExit);
    if (!g.endpoint.is_multicast()) return fail(group_text + " is not a multicast group", 2);
    group = g.endpoint;
  }
  udp::Endpoint local = udp::any_address(!group_text.empty() ? group.family()
                                         : ipv6              ? AF_INET6
                                                             : AF_INET,
                                         port);
  if (!bind_text.empty()) {
    auto b = udp::parse_endpoint(bind_text, false);
    if (!b.error.empty()) return fail(b.error, pva::tools::kUsageExit);
    local = b.endpoint;
    reinterpret_cast<sockaddr_in&>(local.addr).sin_port = htons(port);  // same offset in v6
  }

  pva::net::UniqueFd fd(socket(local.family(), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return fail(std::string("socket: ") + std::strerror(errno));
  const int on = 1;
  // IPv6 only: IPv4 datagrams would otherwise arrive as ::ffff:a.b.c.d on this socket.
  if (local.family() == AF_INET6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  if (reuse) setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  // Our own losses must not look like the network's: a big buffer, and the kernel's
  // count of what still overflowed it (SO_RXQ_OVFL) in the report.
  const int granted = udp::set_buffer(fd.get(), true, rcvbuf);
  setsockopt(fd.get(), SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  // Kernel receive timestamps: latency without our own scheduling delay.
  setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  // The TTL (hop limit) each datagram arrived with: a relay must keep the sender's.
  if (local.family() == AF_INET) {
    setsockopt(fd.get(), IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  } else {
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  }
  if (auto e = udp::bind_to(fd.get(), local); !e.empty()) return fail(e);
  if (!group_text.empty())
    if (auto e = udp::join_group(fd.get(), group, ifname); !e.empty()) return fail(e);

  pva::net::SignalEvents signals{SIGINT, SIGTERM};
  udp::ReceiveTally tally(count);
  auto batch = std::make_unique<Batch>();
  std::fprintf(stderr, "udp-recv ready: bound %s%s%s, rcvbuf %d bytes, expecting %u\n",
               local.str().c_str(), group_text.empty() ? "" : ", group ", group_text.c_str(),
               granted, count);
  std::fflush(stderr);

  const double start = now_s();
  double last_datagram = 0, complete_at = 0;
  std::uint32_t last_overflow = 0;
  std::string stopped = "timeout";
  int ttl_min = -1, ttl_max = -1;  // -1: no datagram carried a TTL
  for (;;) {
    const double now = now_s();
    double deadline = start + timeout;
    if (idle > 0 && last_datagram > 0) deadline = std::min(deadline, last_datagram + idle);
    if (complete_at > 0) deadline = std::min(deadline, complete_at + linger);
    if (now >= deadline) {
      stopped = complete_at > 0 ? "complete" : now >= start + timeout ? "timeout" : "idle";
      break;
    }
    pollfd fds[2] = {{fd.get(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    const int wait_ms = static_cast<int>((deadline - now) * 1000) + 1;
    if (poll(fds, 2, wait_ms) < 0 && errno != EINTR)
      return fail(std::string("poll: ") + std::strerror(errno));
    if (signals.take()) {
      stopped = "signal";
      break;
    }
    for (;;) {
      batch->reset();
      const int n = recvmmsg(fd.get(), batch->msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      const std::int64_t user_now = realtime_ns();
      for (int i = 0; i < n; ++i) {
        msghdr& h = batch->msgs[i].msg_hdr;
        std::int64_t rx_ns = user_now;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
          if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
              (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
            int ttl = 0;
            std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
            ttl_min = ttl_min < 0 ? ttl : std::min(ttl_min, ttl);
            ttl_max = std::max(ttl_max, ttl);
            continue;
          }
          if (c->cmsg_level != SOL_SOCKET) continue;
          if (c->cmsg_type == SO_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            rx_ns = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
          } else if (c->cmsg_type == SO_RXQ_OVFL) {
            std::uint32_t total = 0;  // cumulative drops of this socket
            std::memcpy(&total, CMSG_DATA(c), sizeof total);
            tally.add_socket_drops(total - last_overflow);
            last_overflow = total;
          }
        }
        const std::size_t bytes = batch->msgs[i].msg_len;
        const auto check = udp::check_payload({batch->data.data() + i * udp::kMaxPayload, bytes});
        const auto source =
            udp::endpoint_from(reinterpret_cast<sockaddr*>(&batch->from[i]), h.msg_namelen);
        tally.add(check, bytes, source.str(),
                  rx_ns - static_cast<std::int64_t>(check.header.sent_ns));
      }
      last_datagram = now_s();
      if (complete_at == 0 && tally.complete()) complete_at = last_datagram;
      if (n < static_cast<int>(kBatch)) break;
    }
  }
  auto report = tally.report();
  report["tool"] = "udp-recv";
  report["bound"] = local.str();
  report["group"] = group_text;
  report["rcvbuf_bytes"] = granted;
  report["stopped"] = stopped;
  report["ttl_min"] = ttl_min < 0 ? nlohmann::json() : nlohmann::json(ttl_min);
  report["ttl_max"] = ttl_max < 0 ? nlohmann::json() : nlohmann::json(ttl_max);
  report["elapsed_seconds"] = now_s() - start;
  const std::string text = report.dump();
  std::cout << text << std::endl;
  if (!report_file.empty())
    if (auto e = pva::net::write_file_atomically(report_file, text + "\n"); !e.empty())
      return fail(e);
  const bool ok = tally.complete() && report["corrupt"].get<std::uint64_t>() == 0;
  return ok ? 0 : 1;
}
