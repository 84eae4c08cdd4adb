// pva-server and pva-client as real processes, talking over 127.0.0.1 only: the client
// is pinned to loopback with --addr-list and the auto address list off (flag and env),
// and the server's beacons are off, so nothing leaves the host.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "pcap_fixtures.h"
#include "pva/channel.h"
#include "pva/codec.h"
#include "pva/fnv1a.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::uint16_t free_port(int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Loopback-only environment: no inherited EPICS_PVA_* can point the client elsewhere.
std::vector<std::string> loopback_env() {
  return {"EPICS_PVA_AUTO_ADDR_LIST=NO"};
}

// Starts a program with the loopback-only environment; stdout/stderr go to the given
// descriptors (-1: inherit).
pid_t spawn(std::vector<std::string> argv, int out_fd = -1, int err_fd = -1) {
  auto env = loopback_env();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (out_fd >= 0) ::dup2(out_fd, 1);
    if (err_fd >= 0) ::dup2(err_fd, 2);
    auto a = c_strings(argv);
    auto e = c_strings(env);
    ::execve(a[0], a.data(), e.data());
    ::_exit(127);
  }
  return pid;
}

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
  double seconds = 0;
};

// Runs a program to completion (killed after `limit`), capturing stdout and stderr.
ProcessResult run_process(std::vector<std::string> argv, std::chrono::seconds limit = 10s) {
  int out_pipe[2], err_pipe[2];
  EXPECT_EQ(::pipe2(out_pipe, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(err_pipe, O_CLOEXEC), 0);
  const auto start = Clock::now();
  const pid_t pid = spawn(std::move(argv), out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ProcessResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && Clock::now() - start < limit) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0 || fds[i].fd < 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pva-loopback-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    stats_ = dir_ / "stats.json";
    udp_port_ = free_port(SOCK_DGRAM);
    tcp_port_ = free_port(SOCK_STREAM);
  }
  void TearDown() override {
    stop_server();
    fs::remove_all(dir_);
  }

  void start_server(std::vector<std::string> pvs) {
    std::vector<std::string> argv{PVA_SERVER_BIN,
                                  "--udp-port",
                                  std::to_string(udp_port_),
                                  "--tcp-port",
                                  std::to_string(tcp_port_),
                                  "--beacon-interval",
                                  "0",
                                  "--stats-file",
                                  stats_.string(),
                                  "-l",
                                  "warn"};
    for (auto& p : pvs) {
      argv.push_back("--pv");
      argv.push_back(p);
    }
    argv.insert(argv.end(), server_args_.begin(), server_args_.end());
    fs::remove(stats_);
    server_ = spawn(std::move(argv));
    // The stats file is first written once the sockets are open.
    const auto deadline = Clock::now() + 5s;
    while (!fs::exists(stats_) && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(fs::exists(stats_)) << "pva-server did not start";
  }

  // SIGTERM, then the exit code; fails the test if the server takes over a second.
  int stop_server() {
    if (server_ <= 0) return -1;
    ::kill(server_, SIGTERM);
    const auto deadline = Clock::now() + 1s;
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(server_, &status, WNOHANG)) == 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    if (done == 0) {
      ADD_FAILURE() << "pva-server still running 1 s after SIGTERM";
      ::kill(server_, SIGKILL);
      ::waitpid(server_, &status, 0);
    }
    server_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Polls the stats file until `key` is at least `value`; the server writes it within
  // 100 ms of a change.
  bool stats_reach(const std::string& key, int value, std::chrono::milliseconds limit = 1500ms) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (stats().value(key, -1) >= value) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  nlohmann::json stats() const {
    std::ifstream in(stats_);
    auto j = nlohmann::json::parse(in, nullptr, false);  // absent file: empty object
    return j.is_discarded() ? nlohmann::json::object() : j;
  }

  ProcessResult client(std::vector<std::string> args) {
    std::vector<std::string> argv{PVA_CLIENT_BIN, "--addr-list",
                                  "127.0.0.1:" + std::to_string(udp_port_), "--auto-addr-list",
                                  "NO"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }

  fs::path dir_, stats_;
  std::vector<std::string> server_args_;  // extra pva-server flags
  std::uint16_t udp_port_ = 0, tcp_port_ = 0;
  pid_t server_ = 0;
};

TEST_F(Loopback, ClientFindsPvAndCompletesTcpValidation) {
  start_server({"test:pv", "other"});
  const auto r = client({"--json", "--timeout", "5", "test:pv", "other"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["all_found"].get<bool>());
  ASSERT_EQ(j["pvs"].size(), 2u);
  for (const auto& pv : j["pvs"]) {
    EXPECT_TRUE(pv["found"].get<bool>());
    EXPECT_TRUE(pv["tcp_validated"].get<bool>());
    EXPECT_EQ(pv["server"], "127.0.0.1:" + std::to_string(tcp_port_));
    EXPECT_LT(pv["seconds"].get<double>(), 1.0);
  }
  // One datagram unless the machine is so loaded that the reply took over 0.5 s.
  const int sent = j["datagrams_sent"];
  EXPECT_GE(sent, 1);

  EXPECT_EQ(stop_server(), 0);
  const auto s = stats();
  EXPECT_EQ(s["guid"], j["pvs"][0]["guid"]);
  EXPECT_EQ(s["searches_received"], sent);
  EXPECT_EQ(s["responses_sent"], sent);
  EXPECT_EQ(s["tcp_validated"], 1);
  EXPECT_EQ(s["tcp_peers"], nlohmann::json::parse(R"(["127.0.0.1"])"));
  ASSERT_EQ(s["search_sources"].size(), 1u);
  // What the client sent is what the server received, byte for byte.
  EXPECT_EQ(s["search_payloads"], j["sent_payloads"]);
}

TEST_F(Loopback, StatsFileFollowsChangesWhileRunningAndOnSigusr1) {
  start_server({"test:pv"});
  EXPECT_EQ(stats()["searches_received"], 0);
  const auto r = client({"--json", "--no-connect", "test:pv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(stats_reach("responses_sent", 1));
  fs::remove(stats_);
  ::kill(server_, SIGUSR1);
  // Well before the next periodic (1 s) write, so it is SIGUSR1's doing.
  EXPECT_TRUE(stats_reach("searches_received", 1, 500ms));
}

TEST_F(Loopback, ServerExitsZeroOnSigint) {
  start_server({"test:pv"});
  ::kill(server_, SIGINT);
  const auto deadline = Clock::now() + 1s;
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(server_, &status, WNOHANG)) == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(done, server_) << "still running 1 s after SIGINT";
  server_ = 0;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(Loopback, ManyLongNamesAreSplitIntoDatagramsWithinTheLimitAndAllFound) {
  std::vector<std::string> names;
  for (int i = 1; i <= 40; ++i)
    names.push_back("accelerator:ring:sector" + std::to_string(100 + i).substr(1) +
                    ":beam-position-monitor:horizontal:position");
  start_server(names);
  std::vector<std::string> args{"--json", "--no-connect"};
  args.insert(args.end(), names.begin(), names.end());
  const auto r = client(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["all_found"].get<bool>());
  // Like pvxs (fixtures/pva/search-large.pcap): 1337, 1337, 329.
  ASSERT_GE(j["sent_payloads"].size(), 3u);  // more only if a reply took over 0.5 s
  EXPECT_EQ(j["sent_payloads"][0]["bytes"], 1337);
  EXPECT_EQ(j["sent_payloads"][1]["bytes"], 1337);
  EXPECT_EQ(j["sent_payloads"][2]["bytes"], 329);
  for (const auto& pv : j["pvs"]) EXPECT_FALSE(pv["tcp_validated"].get<bool>());
  EXPECT_EQ(stop_server(), 0);
  EXPECT_EQ(stats()["tcp_validated"], 0);
}

TEST_F(Loopback, ClientSearchesMatchPvxgetsByteForByteApartFromPortAndUnicastFlag) {
  // The 40 names pvxget searched for in fixtures/pva/search-large.pcap.
  const auto capture = pva::test::read_udp("search-large.pcap");
  ASSERT_EQ(capture.size(), 6u);
  std::vector<pva::Search> pvxs;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 3; ++i) {
    auto msgs = pva::decode_udp_datagram(capture[i].payload);
    ASSERT_TRUE(msgs.ok());
    pvxs.push_back(std::get<pva::Search>(msgs->front().body));
    for (const auto& c : pvxs.back().channels) names.push_back(c.name);
  }
  start_server(names);
  std::vector<std::string> args{"--json", "--no-connect"};
  args.insert(args.end(), names.begin(), names.end());
  const auto r = client(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(stop_server(), 0);
  const std::string source = stats()["search_sources"][0];
  const auto port = static_cast<std::uint16_t>(std::stoi(source.substr(source.rfind(':') + 1)));
  ASSERT_GE(j["sent_payloads"].size(), 3u);  // more only if a reply took over 0.5 s
  for (std::size_t i = 0; i < 3; ++i) {
    auto expected = pvxs[i];
    expected.response_port = port;  // ours, not pvxget's
    expected.flags = static_cast<std::uint8_t>(
        expected.flags | pva::search_flag::kUnicast);  // we sent to 127.0.0.1, pvxget broadcast
    EXPECT_EQ(j["sent_payloads"][i]["fnv1a64"],
              pva::hex64(pva::fnv1a64(pva::encode_search(expected))))
        << "datagram " << i;
  }
}

TEST_F(Loopback, MissingPvExitsOneWithinTimeoutPlusOneSecondAfterBackedOffRetries) {
  start_server({"test:pv"});
  const auto r = client({"--json", "--timeout", "1.2", "nope"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(r.seconds, 2.2);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["all_found"].get<bool>());
  EXPECT_FALSE(j["pvs"][0]["found"].get<bool>());
  // Sends at 0 s and 0.5 s; the next (1.5 s) is past the deadline.
  // Sent at 0 s and 0.5 s; a third would be due at 1.5 s, past the deadline (a badly
  // starved run may manage only one).
  const int sent = j["datagrams_sent"];
  EXPECT_GE(sent, 1);
  EXPECT_LE(sent, 2);
  EXPECT_EQ(stop_server(), 0);
  EXPECT_EQ(stats()["responses_sent"], 0);
  EXPECT_EQ(stats()["searches_received"], sent);
}

TEST_F(Loopback, HumanOutputNamesServerAndValidation) {
  start_server({"test:pv"});
  const auto r = client({"test:pv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("test:pv: found at 127.0.0.1:" + std::to_string(tcp_port_)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("TCP validated"), std::string::npos);
}

TEST(ClientUsage, BadFlagsExitTwoWithALineNamingTheFlag) {
  const std::string bin = PVA_CLIENT_BIN;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{bin, "--addr-list", "127.0.0.1", "--timeout", "abc", "pv"}, "--timeout"},
      {{bin, "--addr-list", "127.0.0.1", "--max-datagram", "10", "pv"}, "--max-datagram"},
      {{bin, "--addr-list", "127.0.0.1", "--max-datagram", "64", std::string(100, 'x')},
       "--max-datagram"},
      {{bin, "--addr-list", "not-an-ip", "pv"}, "--addr-list"},
      {{bin, "--addr-list", "127.0.0.1"}, "pv"},
  };
  for (const auto& [argv, flag] : cases) {
    const auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 2) << argv.back() << ": " << r.err;
    EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(ServerUsage, MissingPvExitsTwo) {
  const auto r = run_process({PVA_SERVER_BIN, "--udp-port", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--pv"), std::string::npos) << r.err;
}

}  // namespace

namespace {

TEST_F(Loopback, MalformedDatagramsAreCountedAndDoNotStopTheServer) {
  start_server({"test:pv"});
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(udp_port_);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::uint8_t junk[] = {0xCA, 0x02, 0x80, 0x03, 0xFF, 0xFF, 0xFF, 0xFF};  // size lies
  ::sendto(fd, junk, sizeof junk, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  ::close(fd);
  EXPECT_TRUE(stats_reach("malformed_datagrams", 1));
  const auto r = client({"--json", "test:pv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace

// ---- Channels: GET, PUT, MONITOR between the two tools, and raw TCP for the errors a
// well-behaved client never provokes.
namespace {

using pva::Bytes;

// A hand-driven TCP client on 127.0.0.1 (blocking, 2 s receive timeout).
class RawConn {
 public:
  explicit RawConn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  }
  ~RawConn() { ::close(fd_); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool connected() const { return connected_; }
  void send(const Bytes& b) { ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL); }

  // The next message; std::nullopt on close or timeout.
  std::optional<std::pair<pva::Header, Bytes>> next() {
    for (;;) {
      auto f = pva::next_tcp_frame(in_);
      if (!f) return std::nullopt;
      if (f->has_value()) {
        std::pair<pva::Header, Bytes> out{(*f)->header,
                                          Bytes((*f)->payload.begin(), (*f)->payload.end())};
        in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>((*f)->consumed));
        return out;
      }
      std::uint8_t buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return std::nullopt;
      in_.insert(in_.end(), buf, buf + n);
    }
  }
  // True when the server closes the connection within the receive timeout.
  bool closed_by_peer() {
    std::uint8_t buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;  // timeout
    }
  }
  // SET_BYTE_ORDER, the server's CONNECTION_VALIDATION, ours, CONNECTION_VALIDATED.
  bool validate() {
    if (!next() || !next()) return false;
    send(pva::encode_client_validation(pva::ClientValidation{}, pva::ByteOrder::kLittle));
    auto v = next();
    return v && v->first.command == pva::command::kConnectionValidated;
  }
  // CREATE_CHANNEL; the reply.
  pva::CreateChannelResponse create(const std::string& name) {
    send(pva::encode_create_channel_request({{{1, name}}}, pva::ByteOrder::kLittle));
    auto r = next();
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    auto m = pva::decode_create_channel_response(r->second, pva::ByteOrder::kLittle);
    EXPECT_TRUE(m.ok());
    return m ? *m : pva::CreateChannelResponse{};
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  Bytes in_;
};

TEST_F(Loopback, GetReadsTheValueGivenOnTheServersCommandLine) {
  start_server({"BEAM:CURRENT=42"});
  const auto r = client({"--json", "--get", "BEAM:CURRENT"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pvs"][0]["value"], 42.0);
  EXPECT_TRUE(j["pvs"][0]["error"].is_null());
  EXPECT_TRUE(stats_reach("gets", 1));
}

TEST_F(Loopback, PutWritesTheValueAndALaterGetReadsIt) {
  start_server({"BEAM:CURRENT=42"});
  const auto p = client({"--json", "--put", "7.5", "BEAM:CURRENT"});
  ASSERT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["pvs"][0]["value"], 7.5);  // read back
  const auto g = client({"--json", "--get", "BEAM:CURRENT"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(nlohmann::json::parse(g.out)["pvs"][0]["value"], 7.5);
  EXPECT_TRUE(stats_reach("puts", 1));
}

TEST_F(Loopback, MonitorReceivesUpdatesAtTheServersPeriod) {
  server_args_ = {"--update-period", "0.1"};
  start_server({"BEAM:CURRENT=3"});
  const auto r = client({"--json", "--monitor", "--timeout", "1", "BEAM:CURRENT"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto pv = nlohmann::json::parse(r.out)["pvs"][0];
  EXPECT_EQ(pv["value"], 3.0);
  // The first update on start, then one per 0.1 s for about a second; loose bounds
  // (a loaded machine delays some), but far from "one" and from "unthrottled".
  const int updates = pv["updates"];
  EXPECT_GE(updates, 4);
  EXPECT_LE(updates, 15);
  EXPECT_EQ(pv["reconnects"], 0);
}

TEST_F(Loopback, UnknownChannelIsRefusedWithAnErrorStatusAndCounted) {
  start_server({"BEAM:CURRENT"});
  RawConn c(tcp_port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.validate());
  const auto r = c.create("NO:SUCH:PV");
  EXPECT_EQ(r.status.type, pva::status_type::kError);
  EXPECT_NE(r.status.message.find("NO:SUCH:PV"), std::string::npos);
  EXPECT_TRUE(stats_reach("unknown_channels", 1));
  // The connection stays usable.
  EXPECT_TRUE(c.create("BEAM:CURRENT").status.ok());
}

TEST_F(Loopback, PutOfAnotherTypeIsRefusedAndTheValueStays) {
  start_server({"BEAM:CURRENT=42"});
  RawConn c(tcp_port_);
  ASSERT_TRUE(c.validate());
  const auto sid = c.create("BEAM:CURRENT").sid;
  const auto o = pva::ByteOrder::kLittle;
  c.send(pva::encode_op_request(
      {pva::command::kPut, sid, 9, pva::subcmd::kInit, pva::encode_default_pv_request(o)}, o));
  ASSERT_TRUE(c.next().has_value());  // the type
  // BitSet {value}, then a string where the double belongs.
  c.send(pva::encode_op_request(
      {pva::command::kPut, sid, 9, pva::subcmd::kExec, Bytes{1, 0x02, 3, 'a', 'b', 'c'}}, o));
  auto reply = c.next();
  ASSERT_TRUE(reply.has_value());
  auto m = pva::decode_op_response(pva::command::kPut, reply->second, o);
  ASSERT_TRUE(m.ok());
  auto st = pva::decode_status_body(m->body, o);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->type, pva::status_type::kError);
  EXPECT_NE(st->message.find("type mismatch"), std::string::npos) << st->message;
  EXPECT_TRUE(stats_reach("put_errors", 1));
  const auto g = client({"--json", "--get", "BEAM:CURRENT"});
  EXPECT_EQ(nlohmann::json::parse(g.out)["pvs"][0]["value"], 42.0);
}

// Runs pva-client in a thread while the test manipulates the server.
struct BackgroundClient {
  std::thread t;
  ProcessResult r;
  ~BackgroundClient() {
    if (t.joinable()) t.join();
  }
};

TEST_F(Loopback, MonitorResumesAfterTheServerRestartsAtTheSameAddress) {
  server_args_ = {"--update-period", "0.1"};
  start_server({"BEAM:CURRENT=1"});
  BackgroundClient bg;
  bg.t = std::thread([&] {
    bg.r = client({"--json", "--monitor", "--timeout", "3", "BEAM:CURRENT"});
  });
  ASSERT_TRUE(stats_reach("monitor_updates", 2, 2000ms)) << "the monitor never started";
  EXPECT_EQ(stop_server(), 0);
  start_server({"BEAM:CURRENT=2"});
  bg.t.join();
  ASSERT_EQ(bg.r.exit_code, 0) << bg.r.out << bg.r.err;
  const auto pv = nlohmann::json::parse(bg.r.out)["pvs"][0];
  EXPECT_EQ(pv["reconnects"], 1);
  EXPECT_GE(pv["updates_since_reconnect"].get<int>(), 1);
  EXPECT_GT(pv["updates"].get<int>(), pv["updates_since_reconnect"].get<int>());
  EXPECT_EQ(pv["value"], 2.0);  // from the new server
}

TEST_F(Loopback, MonitorFailsWhenTheServerGoesAwayForGood) {
  server_args_ = {"--update-period", "0.1"};
  start_server({"BEAM:CURRENT=1"});
  BackgroundClient bg;
  bg.t = std::thread([&] {
    bg.r = client({"--json", "--monitor", "--timeout", "2", "BEAM:CURRENT"});
  });
  ASSERT_TRUE(stats_reach("monitor_updates", 2, 2000ms)) << "the monitor never started";
  EXPECT_EQ(stop_server(), 0);
  bg.t.join();
  EXPECT_EQ(bg.r.exit_code, 1) << bg.r.out << bg.r.err;
  const auto pv = nlohmann::json::parse(bg.r.out)["pvs"][0];
  EXPECT_GE(pv["updates"].get<int>(), 2);
  EXPECT_EQ(pv["updates_since_reconnect"], 0);
  EXPECT_EQ(pv["reconnects"], 0);
  EXPECT_FALSE(pv["found"].get<bool>());  // searched again, nobody answered
}

// Hostile or broken TCP input: each row is sent on a fresh connection (validated
// first unless said otherwise); the server must close that connection, count it by
// reason, and keep serving.
TEST_F(Loopback, MalformedTcpInputClosesTheConnectionIsCountedAndTheServerKeepsServing) {
  start_server({"BEAM:CURRENT=42"});
  const auto o = pva::ByteOrder::kLittle;
  auto truncated_create = pva::encode_create_channel_request({{{1, "BEAM:CURRENT"}}}, o);
  truncated_create.resize(truncated_create.size() - 4);
  truncated_create[4] = static_cast<std::uint8_t>(truncated_create.size() - 8);
  auto trailing_destroy = pva::encode_destroy_request({1, 2}, o);
  trailing_destroy.push_back(0);
  trailing_destroy[4] = 9;
  struct Row {
    const char* what;
    Bytes bytes;
    bool validate;
    const char* reason;
  };
  const std::vector<Row> rows{
      {"garbage instead of a header", Bytes(16, 0x00), true, "bad-magic"},
      {"garbage before validation", Bytes{'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'}, false,
       "bad-magic"},
      {"version 0", Bytes{0xCA, 0x00, 0x00, 0x07, 0, 0, 0, 0}, true, "bad-version"},
      {"a 2 GiB message announced", Bytes{0xCA, 0x02, 0x00, 0x07, 0, 0, 0, 0x80}, true,
       "message-too-large"},
      {"CREATE_CHANNEL cut short", truncated_create, true, "truncated-field"},
      {"DESTROY_REQUEST with a byte too many", trailing_destroy, true, "trailing-bytes"},
      {"a client validation cut short", Bytes{0xCA, 0x02, 0x00, 0x01, 2, 0, 0, 0, 0, 0}, false,
       "truncated-field"},
  };
  int closed = 0;
  for (const auto& row : rows) {
    RawConn c(tcp_port_);
    ASSERT_TRUE(c.connected());
    if (row.validate) {
      ASSERT_TRUE(c.validate()) << row.what;
    } else {
      c.next();  // SET_BYTE_ORDER
      c.next();  // CONNECTION_VALIDATION
    }
    c.send(row.bytes);
    EXPECT_TRUE(c.closed_by_peer()) << row.what;
    ++closed;
    EXPECT_TRUE(stats_reach("malformed_tcp", closed)) << row.what;
    EXPECT_GE(stats()["malformed_tcp_reasons"].value(row.reason, 0), 1) << row.what;
  }
  const auto g = client({"--json", "--get", "BEAM:CURRENT"});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(nlohmann::json::parse(g.out)["pvs"][0]["value"], 42.0);
}

TEST_F(Loopback, MonitorSearchesAgainWhenTheServerItFoundRefusesTcp) {
  // A stand-in answers the first search on the UDP port with a TCP port where nothing
  // listens yet, then goes away; the real server then starts on both ports.
  const int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(udp_port_);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(udp, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  BackgroundClient bg;
  bg.t = std::thread([&] {
    bg.r = client({"--json", "--monitor", "--timeout", "3", "BEAM:CURRENT"});
  });
  pollfd pfd{udp, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 3000), 1) << "no search arrived";
  std::uint8_t buf[2048];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  const ssize_t n = ::recvfrom(udp, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
  ASSERT_GT(n, 0);
  auto msgs = pva::decode_udp_datagram({buf, static_cast<std::size_t>(n)});
  ASSERT_TRUE(msgs.ok());
  const auto& search = std::get<pva::Search>(msgs->front().body);
  pva::SearchResponse r;
  r.sequence_id = search.sequence_id;
  r.server_port = tcp_port_;  // nothing listens there yet: connection refused
  r.found = true;
  for (const auto& c : search.channels) r.channel_ids.push_back(c.id);
  const auto reply = pva::encode_search_response(r);
  from.sin_port = htons(search.response_port);
  ::sendto(udp, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), sizeof from);
  ::close(udp);
  server_args_ = {"--update-period", "0.1"};
  start_server({"BEAM:CURRENT=5"});
  bg.t.join();
  ASSERT_EQ(bg.r.exit_code, 0) << bg.r.out << bg.r.err;
  const auto pv = nlohmann::json::parse(bg.r.out)["pvs"][0];
  EXPECT_GE(pv["updates_since_reconnect"].get<int>(), 1);
  EXPECT_EQ(pv["value"], 5.0);
}

// The exact messages pvxs 1.5.2 clients sent (fixtures/pva/channel-*.pcap), replayed to
// pva-server: it must answer as pvxs' own server did. Only the server's channel id is
// substituted in the client's messages (each server picks its own sid), everything
// else is pvxs' bytes, including its "ca" CONNECTION_VALIDATION.
class PvxsReplay : public Loopback, public ::testing::WithParamInterface<const char*> {};

std::vector<std::pair<pva::Header, Bytes>> frames_from(const std::vector<std::uint8_t>& stream) {
  std::vector<std::pair<pva::Header, Bytes>> out;
  std::span<const std::uint8_t> rest(stream);
  for (;;) {
    auto f = pva::next_tcp_frame(rest);
    if (!f || !f->has_value()) break;
    out.push_back({(*f)->header, Bytes((*f)->payload.begin(), (*f)->payload.end())});
    rest = rest.subspan((*f)->consumed);
  }
  return out;
}

std::optional<double> value_in(const pva::Header& h, const Bytes& payload) {
  const auto o = h.byte_order();
  const auto flat = pva::flatten(pva::nt_scalar_double());
  auto m = pva::decode_op_response(h.command, payload, o);
  if (!m) return std::nullopt;
  pva::FieldsBody data;
  if (h.command == pva::command::kMonitor) {
    auto u = pva::decode_monitor_update(m->body, o, flat);
    if (!u) return std::nullopt;
    data = u->data;
  } else {
    auto d = pva::decode_data_reply(m->body, o, flat);
    if (!d) return std::nullopt;
    data = d->data;
  }
  const auto v = pva::find_field(flat, "value");
  if (!data.changed.test(0) && !data.changed.test(v)) return std::nullopt;
  return pva::as_double(data.value.fields[v]);
}

TEST_P(PvxsReplay, ServerAnswersAPvxsClientAsPvxsDid) {
  const auto session = pva::test::read_tcp_session(GetParam(), 5075);
  const auto client_msgs = frames_from(session.client_to_server);
  const auto pvxs_replies = frames_from(session.server_to_client);
  ASSERT_GE(pvxs_replies.size(), 4u);
  // pvxs' mailbox held 42, then 7.5 once channel-put.pcap had run.
  const bool after_put = std::string(GetParam()) == "channel-monitor.pcap";
  start_server({after_put ? "BEAM:CURRENT=7.5" : "BEAM:CURRENT=42"});
  RawConn c(tcp_port_);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.next().has_value());  // SET_BYTE_ORDER
  ASSERT_TRUE(c.next().has_value());  // CONNECTION_VALIDATION
  Bytes raw;
  pva::append_header(raw, client_msgs[0].first);
  raw.insert(raw.end(), client_msgs[0].second.begin(), client_msgs[0].second.end());
  c.send(raw);  // pvxs' own validation, method "ca"
  auto validated = c.next();
  ASSERT_TRUE(validated.has_value());
  EXPECT_EQ(validated->first.command, pva::command::kConnectionValidated);

  std::size_t expected = 3;  // pvxs' replies after SET_BYTE_ORDER, validation, validated
  std::uint32_t our_sid = 0;
  for (std::size_t i = 1; i < client_msgs.size(); ++i) {
    auto [h, payload] = client_msgs[i];
    if (h.command != pva::command::kCreateChannel && our_sid != 0) {
      for (int b = 0; b < 4; ++b)  // sid: the first u32 of every later client message
        payload[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(our_sid >> (8 * b));
    }
    Bytes msg;
    pva::append_header(msg, h);
    msg.insert(msg.end(), payload.begin(), payload.end());
    c.send(msg);
    if (h.command == pva::command::kDestroyRequest) continue;  // no reply, in pvxs either
    auto ours = c.next();
    ASSERT_TRUE(ours.has_value()) << GetParam() << ": no reply to message " << i;
    ASSERT_LT(expected, pvxs_replies.size());
    const auto& theirs = pvxs_replies[expected++];
    EXPECT_EQ(ours->first.command, theirs.first.command) << "message " << i;
    EXPECT_EQ(ours->first.flags, theirs.first.flags) << "message " << i;
    switch (theirs.first.command) {
      case pva::command::kCreateChannel: {
        auto m = pva::decode_create_channel_response(ours->second, pva::ByteOrder::kLittle);
        ASSERT_TRUE(m.ok());
        EXPECT_TRUE(m->status.ok());
        EXPECT_EQ(Bytes(ours->second.begin(), ours->second.begin() + 4),
                  Bytes(theirs.second.begin(), theirs.second.begin() + 4));  // cid
        our_sid = m->sid;
        break;
      }
      case pva::command::kGetField:
        EXPECT_EQ(ours->second, theirs.second) << "the type, byte for byte";
        break;
      default: {
        const std::uint8_t sub = theirs.second.at(4);
        EXPECT_EQ(ours->second.at(4), sub) << "message " << i;
        if ((sub & pva::subcmd::kInit) ||
            (theirs.first.command == pva::command::kPut && sub == pva::subcmd::kExec)) {
          EXPECT_EQ(ours->second, theirs.second) << "message " << i << " byte for byte";
        } else {
          // pvxs sent the fields its mailbox had set, we send the whole structure: the
          // values must agree.
          EXPECT_EQ(value_in(ours->first, ours->second), value_in(theirs.first, theirs.second))
              << "message " << i;
        }
      }
    }
  }
  EXPECT_EQ(expected, pvxs_replies.size()) << "pvxs sent replies we did not";
  if (std::string(GetParam()) == "channel-put.pcap") {
    const auto g = client({"--json", "--get", "BEAM:CURRENT"});
    EXPECT_EQ(nlohmann::json::parse(g.out)["pvs"][0]["value"], 7.5);  // pvxput's value
  }
}

INSTANTIATE_TEST_SUITE_P(Captures, PvxsReplay,
                         ::testing::Values("channel-get.pcap", "channel-info.pcap",
                                           "channel-put.pcap", "channel-monitor.pcap"),
                         [](const auto& p) {
                           std::string n = p.param;
                           n = n.substr(0, n.find('.'));
                           std::erase(n, '-');
                           return n;
                         });

TEST(ServerUsage, APvValueThatIsNotANumberExitsTwo) {
  const auto r = run_process({PVA_SERVER_BIN, "--pv", "A=abc"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--pv"), std::string::npos) << r.err;
}

}  // namespace
