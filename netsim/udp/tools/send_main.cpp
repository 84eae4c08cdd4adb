// udp-send: sends COUNT test datagrams (see udp/payload.h) of SIZE bytes to DEST:PORT at
// RATE per second, bounded in count and time, and prints one JSON line of what it sent.
// Destinations outside the test address space are refused (udp/address_guard.h).
// Exit 0: all sent; 1: a send failed or the time bound cut it short; 2: usage.
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "command_line.h"
#include "pva/net/signals.h"
#include "pva/net/socket.h"
#include "udp/address_guard.h"
#include "udp/pacing.h"
#include "udp/payload.h"
#include "udp/socket_setup.h"

namespace {

constexpr std::uint64_t kMaxCount = 10'000'000;
constexpr double kMaxSeconds = 600;

std::uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

void sleep_until(std::uint64_t monotonic_ns) {
  timespec ts{static_cast<time_t>(monotonic_ns / 1'000'000'000ULL),
              static_cast<long>(monotonic_ns % 1'000'000'000ULL)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "udp-send: %s\n", msg.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sends numbered, checkable UDP test datagrams (see netsim/README.md, udp-send)",
               "udp-send"};
  std::string dest_text, ifname, level = "warn";
  std::uint64_t count = 0;
  std::size_t size = 100;
  double rate = 0, duration = 10;
  int ttl = 0, sndbuf = 0;
  std::uint16_t source_port = 0;
  std::uint32_t run_id = 0;
  app.add_option("destination", dest_text, "ADDRESS:PORT ([ADDRESS]:PORT for IPv6)")->required();
  app.add_option("-n,--count", count, "datagrams to send (hard maximum 10000000)")
      ->required()
      ->check(CLI::Range(std::uint64_t{1}, kMaxCount));
  app.add_option("-s,--size", size, "UDP payload bytes (24..65507)")
      ->check(CLI::Range(udp::kHeaderBytes, udp::kMaxPayload));
  app.add_option("-r,--rate", rate, "datagrams per second; 0 = back to back")
      ->check(CLI::Range(0.0, 10'000'000.0));
  app.add_option("-d,--duration", duration, "hard time bound in seconds (at most 600)")
      ->check(CLI::Range(0.001, kMaxSeconds));
  app.add_option("--ttl,--hop-limit", ttl, "IP TTL / hop limit, unicast and multicast")
      ->check(CLI::Range(1, 255));
  app.add_option("-i,--interface", ifname, "outgoing interface for multicast");
  app.add_option("--source-port", source_port, "bind this UDP source port (default: ephemeral)");
  app.add_option("--sndbuf", sndbuf, "socket send buffer bytes")->check(CLI::Range(4096, 1 << 30));
  app.add_option("--run-id", run_id,
                 "run id written in every datagram (default: from pid and time)");
  pva::tools::add_log_level_option(app, level);
  if (auto exit = pva::tools::parse_command_line(app, argc, argv, "udp-send")) return *exit;

  const auto dest = udp::parse_endpoint(dest_text);
  if (!dest.error.empty()) return fail(dest.error, pva::tools::kUsageExit);
  if (auto why = udp::destination_refusal(dest.endpoint); !why.empty())
    return fail("refused: " + why, pva::tools::kUsageExit);
  if (run_id == 0)
    run_id =
        static_cast<std::uint32_t>(getpid()) ^ static_cast<std::uint32_t>(now_ns(CLOCK_REALTIME));

  const int family = dest.endpoint.family();
  pva::net::UniqueFd fd(socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return fail(std::string("socket: ") + std::strerror(errno));
  const int on = 1;
  if (family == AF_INET) setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
  if (sndbuf > 0) udp::set_buffer(fd.get(), false, sndbuf);
  if (ttl > 0)
    if (auto e = udp::set_ttl(fd.get(), family, ttl); !e.empty()) return fail(e);
  if (!ifname.empty())
    if (auto e = udp::set_multicast_interface(fd.get(), family, ifname); !e.empty()) return fail(e);
  if (auto e = udp::bind_to(fd.get(), udp::any_address(family, source_port)); !e.empty())
    return fail(e);
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_len);
  const auto bound = udp::endpoint_from(reinterpret_cast<sockaddr*>(&local), local_len);

  pva::net::SignalEvents signals{SIGINT, SIGTERM};
  std::vector<std::uint8_t> buf(size);
  std::uint64_t sent = 0, errors = 0;
  std::string first_error, stopped = "done";
  const std::uint64_t start = now_ns(CLOCK_MONOTONIC);
  const auto bound_ns = static_cast<std::uint64_t>(duration * 1e9);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t due = start + udp::due_offset_ns(i, rate);
    if (due - start > bound_ns || now_ns(CLOCK_MONOTONIC) - start > bound_ns) {
      stopped = "duration";
      break;
    }
    if ((i & 255) == 0 && signals.take()) {
      stopped = "signal";
      break;
    }
    if (rate > 0 && now_ns(CLOCK_MONOTONIC) < due) sleep_until(due);
    udp::write_payload(buf, {run_id, static_cast<std::uint32_t>(i), 0, now_ns(CLOCK_REALTIME)});
    const ssize_t n =
        sendto(fd.get(), buf.data(), buf.size(), 0,
               reinterpret_cast<const sockaddr*>(&dest.endpoint.addr), dest.endpoint.len);
    if (n == static_cast<ssize_t>(buf.size())) {
      ++sent;
    } else {
      ++errors;
      if (first_error.empty()) first_error = std::strerror(errno);
    }
  }
  const double elapsed = static_cast<double>(now_ns(CLOCK_MONOTONIC) - start) / 1e9;
  nlohmann::json out{{"tool", "udp-send"},
                     {"destination", dest.endpoint.str()},
                     {"source_port", bound.port()},
                     {"run_id", run_id},
                     {"count", count},
                     {"size", size},
                     {"rate", rate},
                     {"sent", sent},
                     {"send_errors", errors},
                     {"first_error", first_error},
                     {"stopped", stopped},
                     {"elapsed_seconds", elapsed},
                     {"achieved_rate", elapsed > 0 ? static_cast<double>(sent) / elapsed : 0.0}};
  std::cout << out.dump() << std::endl;
  return sent == count ? 0 : 1;
}
