// udp-send and udp-recv as real processes on 127.0.0.1 (no namespaces needed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A UDP port that is free right now on 127.0.0.1.
int free_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

struct Child {
  pid_t pid = -1;
  std::string out, err;
  int wait() {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

Child spawn(const std::vector<std::string>& args, const std::string& tag) {
  Child c;
  c.out = ::testing::TempDir() + "udp-" + tag + "-" + std::to_string(getpid()) + ".out";
  c.err = c.out + ".err";
  c.pid = fork();
  if (c.pid == 0) {
    int o = open(c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return c;
}

// Synchronises on the receiver's ready line (bounded), never on a sleep.
bool wait_ready(const Child& c) {
  for (int i = 0; i < 500; ++i) {
    if (slurp(c.err).find("udp-recv ready:") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

nlohmann::json last_json(const std::string& path) {
  return nlohmann::json::parse(slurp(path), nullptr, false);
}

TEST(UdpTools, BurstOnLoopbackArrivesCompleteIntactWithTheSendersSourcePort) {
  const auto port = std::to_string(free_port());
  Child recv = spawn(
      {UDP_RECV_BIN, "--port", port, "--bind", "127.0.0.1", "--count", "500", "--timeout", "20"},
      "recv");
  ASSERT_TRUE(wait_ready(recv)) << slurp(recv.err);
  Child send = spawn(
      {UDP_SEND_BIN, "127.0.0.1:" + port, "--count", "500", "--size", "1337", "--rate", "50000"},
      "send");
  EXPECT_EQ(send.wait(), 0) << slurp(send.err);
  EXPECT_EQ(recv.wait(), 0) << slurp(recv.err);
  auto sent = last_json(send.out), got = last_json(recv.out);
  ASSERT_FALSE(sent.is_discarded());
  ASSERT_FALSE(got.is_discarded()) << slurp(recv.out);
  EXPECT_EQ(sent["sent"], 500);
  EXPECT_EQ(got["distinct"], 500);
  EXPECT_EQ(got["lost"], 0);
  EXPECT_EQ(got["corrupt"], 0);
  EXPECT_EQ(got["bytes_ok"], 500 * 1337);
  EXPECT_EQ(got["size_max"], 1337);
  EXPECT_EQ(got["stopped"], "complete");
  const std::string source = "127.0.0.1:" + std::to_string(sent["source_port"].get<int>());
  EXPECT_EQ(got["sources"].size(), 1u);
  EXPECT_EQ(got["sources"].value(source, 0), 500) << got["sources"].dump();
  EXPECT_EQ(got["latency_us"]["samples"], 500);
}

TEST(UdpTools, ReceiverReportsTheMissingOnesAndFailsWhenFewerArrive) {
  const auto port = std::to_string(free_port());
  Child recv = spawn({UDP_RECV_BIN, "--port", port, "--bind", "127.0.0.1", "--count", "10",
                      "--timeout", "20", "--idle", "0.3"},
                     "recv-short");
  ASSERT_TRUE(wait_ready(recv));
  Child send = spawn({UDP_SEND_BIN, "127.0.0.1:" + port, "--count", "7"}, "send-short");
  EXPECT_EQ(send.wait(), 0);
  EXPECT_EQ(recv.wait(), 1);
  auto got = last_json(recv.out);
  EXPECT_EQ(got["distinct"], 7);
  EXPECT_EQ(got["lost"], 3);
  EXPECT_EQ(got["lost_ranges"], "7-9");
  EXPECT_EQ(got["stopped"], "idle");
}

TEST(UdpTools, SenderRefusesDestinationsOutsideTheTestSpaceBeforeSendingAnything) {
  for (const char* dest :
       {"8.8.8.8:53", "10.1.2.3:5076", "[2606:4700::1111]:53", "[2001:db9::1]:5076",
        "[fd00::1]:5076", "[::ffff:8.8.8.8]:53", "example.com:53"}) {
    Child send = spawn({UDP_SEND_BIN, dest, "--count", "1"}, "refuse");
    EXPECT_EQ(send.wait(), 2) << dest;
    EXPECT_EQ(slurp(send.out), "") << dest;
    EXPECT_NE(slurp(send.err).find("udp-send:"), std::string::npos) << dest;
  }
}

// IPv6: udp-recv -6 binds [::], udp-send --hop-limit sets it; the receiver records the
// source as [ADDR]:PORT and the hop limit each datagram arrived with (IPV6_RECVHOPLIMIT).
TEST(UdpTools, Ipv6LoopbackKeepsTheSourceAndReportsTheHopLimit) {
  int probe = socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in6 lo{};
  lo.sin6_family = AF_INET6;
  lo.sin6_addr = in6addr_loopback;
  const bool has_ipv6 = probe >= 0 && bind(probe, reinterpret_cast<sockaddr*>(&lo), sizeof lo) == 0;
  socklen_t len = sizeof lo;
  if (has_ipv6) getsockname(probe, reinterpret_cast<sockaddr*>(&lo), &len);
  if (probe >= 0) close(probe);
  if (!has_ipv6) GTEST_SKIP() << "no IPv6 loopback (::1) here";
  const auto port = std::to_string(ntohs(lo.sin6_port));
  Child recv =
      spawn({UDP_RECV_BIN, "-6", "--port", port, "--count", "20", "--timeout", "20"}, "recv6");
  ASSERT_TRUE(wait_ready(recv)) << slurp(recv.err);
  EXPECT_NE(slurp(recv.err).find("bound [::]:" + port), std::string::npos) << slurp(recv.err);
  Child send = spawn({UDP_SEND_BIN, "[::1]:" + port, "--count", "20", "--hop-limit", "7"}, "send6");
  EXPECT_EQ(send.wait(), 0) << slurp(send.err);
  EXPECT_EQ(recv.wait(), 0) << slurp(recv.err);
  auto sent = last_json(send.out), got = last_json(recv.out);
  ASSERT_FALSE(got.is_discarded()) << slurp(recv.out);
  EXPECT_EQ(got["distinct"], 20);
  EXPECT_EQ(got["ttl_min"], 7);
  EXPECT_EQ(got["ttl_max"], 7);
  const std::string source = "[::1]:" + std::to_string(sent["source_port"].get<int>());
  EXPECT_EQ(got["sources"].value(source, 0), 20) << got["sources"].dump();
}

TEST(UdpTools, SenderStopsAtItsTimeBound) {
  const auto port = std::to_string(free_port());
  Child send = spawn({UDP_SEND_BIN, "127.0.0.1:" + port, "--count", "1000000", "--rate", "100",
                      "--duration", "0.2"},
                     "bound");
  EXPECT_EQ(send.wait(), 1);
  auto sent = last_json(send.out);
  EXPECT_EQ(sent["stopped"], "duration");
  EXPECT_LE(sent["sent"].get<int>(), 21);  // 100/s for 0.2 s, plus the one at t=0
}

}  // namespace
