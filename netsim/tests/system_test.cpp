// System tests: run the netsim binary for real (it builds namespaces), as the invoking
// user and, when that is root, as the unprivileged user sstest. After every run they
// check that nothing is left: no process started by the run, no namespace it made.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* kPython = "/usr/bin/python3";
const char* kUnprivilegedUser = "sstest";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string bin_dir() {
  const char* env = getenv("NETSIM_BIN_DIR");
  return env && *env ? env : NETSIM_DEFAULT_BIN_DIR;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "netsim-test-XXXXXX").string();
    path = mkdtemp(templ.data());
    chmod(path.c_str(), 0777);  // the unprivileged run writes its logs here too
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

enum class Mode { invoker, unprivileged };

std::string mode_name(Mode m) {
  return m == Mode::invoker ? "AsInvoker" : "AsUnprivilegedUser";
}

struct Child {
  pid_t pid = -1;
  std::string out, err;
};

// Starts netsim with stdout/stderr to files. Unprivileged: setpriv execs netsim
// directly as sstest, so the pid we hold (and signal) is netsim's own.
Child spawn_netsim(Mode mode, const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv;
  if (mode == Mode::unprivileged) {
    argv = {"/usr/bin/setpriv", std::string("--reuid=") + kUnprivilegedUser,
            std::string("--regid=") + kUnprivilegedUser, "--clear-groups", "--"};
  }
  argv.push_back(NETSIM_EXE);
  argv.insert(argv.end(), args.begin(), args.end());
  Child c;
  c.out = dir + "/netsim.out";
  c.err = dir + "/netsim.err";
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  c.pid = fork();
  if (c.pid == 0) {
    int o = open(c.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int e = open(c.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    dup2(o, 1);
    dup2(e, 2);
    setenv("NETSIM_BIN_DIR", bin_dir().c_str(), 1);
    setenv("TMPDIR", dir.c_str(), 1);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return c;
}

// Exit code, or -1 after killing it at the deadline.
int wait_exit(pid_t pid, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (Clock::now() < deadline) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

bool wait_for_text(const std::string& path, const std::string& text, double timeout_s) {
  auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    if (slurp(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Processes anywhere on the machine whose command line holds token, or whose network
// namespace is one of the run's (by inode).
std::vector<std::string> leftovers(const std::string& token,
                                   const std::set<unsigned long>& netns_inodes) {
  std::vector<std::string> found;
  DIR* proc = opendir("/proc");
  while (dirent* e = readdir(proc)) {
    std::string pid = e->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = slurp("/proc/" + pid + "/cmdline");
    for (auto& ch : cmdline)
      if (ch == '\0') ch = ' ';
    if (!token.empty() && cmdline.find(token) != std::string::npos)
      found.push_back(pid + " " + cmdline);
    struct stat st {};
    if (stat(("/proc/" + pid + "/ns/net").c_str(), &st) == 0 && netns_inodes.count(st.st_ino))
      found.push_back(pid + " in a run's netns: " + cmdline);
  }
  closedir(proc);
  return found;
}

std::set<unsigned long> inodes_from_report(const nlohmann::json& report) {
  std::set<unsigned long> inodes;
  inodes.insert(report["namespaces"]["world_netns_inode"].get<unsigned long>());
  for (const auto& [host, ino] : report["namespaces"]["host_netns_inodes"].items())
    inodes.insert(ino.get<unsigned long>());
  return inodes;
}

// UDP datagrams in a pcap (Ethernet, IPv4 without options checked by length), with
// whether their UDP checksum verifies over the pseudo-header. Read byte by byte, so
// nothing is recomputed on the way.
struct PcapUdp {
  std::uint16_t dport;
  std::string payload;
  bool checksum_ok;
};

std::vector<PcapUdp> udp_in_pcap(const std::string& path) {
  std::string f = slurp(path);
  std::vector<PcapUdp> out;
  auto u8 = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(f[i]));
  };
  auto be16 = [&](std::size_t i) { return (u8(i) << 8) | u8(i + 1); };
  auto le32 = [&](std::size_t i) {
    return u8(i) | (u8(i + 1) << 8) | (u8(i + 2) << 16) | (u8(i + 3) << 24);
  };
  for (std::size_t pos = 24; pos + 16 <= f.size();) {
    std::size_t caplen = le32(pos + 8), frame = pos + 16;
    pos = frame + caplen;
    if (pos > f.size() || caplen < 42 || be16(frame + 12) != 0x0800 || u8(frame + 23) != 17)
      continue;
    std::size_t ihl = (u8(frame + 14) & 0x0f) * 4, udp = frame + 14 + ihl;
    std::size_t udp_len = be16(udp + 4);
    if (udp + udp_len > pos) continue;
    std::uint32_t sum = 17 + static_cast<std::uint32_t>(udp_len);
    for (std::size_t i = frame + 26; i < frame + 34; i += 2) sum += be16(i);  // addresses
    for (std::size_t i = 0; i < udp_len; i += 2)
      sum += i + 1 < udp_len ? be16(udp + i) : u8(udp + i) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    out.push_back({static_cast<std::uint16_t>(be16(udp + 2)), f.substr(udp + 8, udp_len - 8),
                   be16(udp + 6) != 0 && sum == 0xffff});
  }
  return out;
}

std::string token() {
  return std::to_string(900000 + (getpid() % 90000));
}

// A host sleeping with a recognisable argument, and an expectation at `at`.
std::string sleeper_scenario(const std::string& tok, double duration,
                             const std::string& expectation) {
  return "name: sleeper\nduration: " + std::to_string(duration) +
         "\nsegments: [lan]\nhosts:\n  - name: a\n    segments: [lan]\n    processes:\n"
         "      - name: sleeper\n        command: [sleep, \"" +
         tok +
         "\"]\n  - name: b\n    segments: [lan]\n"
         "expect:\n" +
         expectation;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  chmod(path.c_str(), 0644);
}

class NetsimRun : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam() == Mode::unprivileged) {
      if (geteuid() != 0)
        GTEST_SKIP() << "unprivileged variant needs root to switch to " << kUnprivilegedUser;
      if (!getpwnam(kUnprivilegedUser))
        GTEST_SKIP() << "no user " << kUnprivilegedUser << " on this machine";
      if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/setpriv";
    }
  }
  TempDir dir;
};

TEST_P(NetsimRun, TwoHostsOnOneSegmentExchangeUdpDatagramsAndTheSegmentPcapHasThem) {
  if (access(kPython, X_OK) != 0) GTEST_SKIP() << "needs " << kPython << " for the UDP echo peers";
  std::string scenario = dir.path + "/pair.yaml";
  write(
      scenario,
      std::string(R"Y(name: pair
duration: 15
settle: 0
segments: [lan]
hosts:
  - name: a
    segments: [lan]
    processes:
      - name: echo
        command: [)Y") +
          kPython +
          R"Y(, -u, -c, "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('0.0.0.0',9999))\nprint('echo ready',flush=True)\nwhile True:\n d,a=s.recvfrom(100)\n print('echo', d.decode(), 'from', a[0], flush=True)\n s.sendto(d,a)"]
        ready: echo ready
  - name: b
    segments: [lan]
    processes:
      - name: ping
        command: [)Y" +
          kPython +
          R"Y(, -u, -c, "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(5)\ns.sendto(b'ping',(sys.argv[1],9999))\nd,a=s.recvfrom(100)\nprint('reply', d.decode(), 'from', a[0], flush=True)", "${a}"]
expect:
  - log: "reply ping from 198.18.1.10"
    process: ping
    at: 3
  - log: "echo ping from 198.18.1.11"
    process: echo
    at: 3
)Y");
  std::string pcaps = dir.path + "/pcaps";
  Child c = spawn_netsim(GetParam(), {"run", "--json", "--capture", pcaps, scenario}, dir.path);
  int rc = wait_exit(c.pid, 60);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 0) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  EXPECT_EQ(report["passed"], 2);
  std::string pcap = slurp(pcaps + "/lan.pcap");
  EXPECT_EQ(pcap.substr(0, 4), std::string("\xd4\xc3\xb2\xa1", 4))
      << "one pcap per segment, named after it";
  EXPECT_NE(pcap.find("ping"), std::string::npos) << "the exchange was captured on the bridge";
  int pings = 0;
  for (const auto& d : udp_in_pcap(pcaps + "/lan.pcap")) {
    if (d.payload != "ping") continue;
    ++pings;
    EXPECT_TRUE(d.checksum_ok) << "frames on a segment carry real UDP checksums (no offload "
                                  "leftovers, nothing recomputed by the capture)";
  }
  EXPECT_EQ(pings, 2) << "the ping and its echo";
  EXPECT_TRUE(leftovers("", inodes_from_report(report)).empty());
}

TEST_P(NetsimRun, FailedExpectationStillTearsDownEverything) {
  std::string tok = token();
  std::string scenario = dir.path + "/fail.yaml";
  write(scenario,
        sleeper_scenario(
            tok, 10, "  - log: text the sleeper never prints\n    process: sleeper\n    at: 1\n"));
  Child c = spawn_netsim(GetParam(), {"run", "--json", scenario}, dir.path);
  int rc = wait_exit(c.pid, 60);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 1) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  EXPECT_EQ(report["expectations"][0]["verdict"], "FAIL");
  EXPECT_EQ(report["teardown"]["namespaces_released"], 2);
  EXPECT_GE(report["teardown"]["links_deleted"], 3);
  auto left = leftovers(tok, inodes_from_report(report));
  EXPECT_TRUE(left.empty()) << left.front();
}

// The settle keeps captures open for end-of-run checks; a run with none (here only a
// timed log check) has nothing to wait for. With a 30 s settle the run would take 30 s;
// the bound below is generous and only separates "skipped" from "waited".
TEST_P(NetsimRun, WithoutEndOfRunChecksTheSettleIsSkipped) {
  std::string tok = token();
  std::string scenario = dir.path + "/no-settle.yaml";
  std::string yaml = sleeper_scenario(
      tok, 60, "  - {log: never printed, process: sleeper, at: 0.2}\n");
  yaml.replace(yaml.find("\nsegments:"), 0, "\nsettle: 30");
  write(scenario, yaml);
  Child c = spawn_netsim(GetParam(), {"run", "--json", scenario}, dir.path);
  int rc = wait_exit(c.pid, 60);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 1) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  EXPECT_LT(report["elapsed_seconds"].get<double>(), 15) << out;
}

// A capture is a packet ring and a thread per bridge: without --capture only the
// segments a max_copies check reads are watched.
TEST_P(NetsimRun, WithoutCaptureOnlyTheSegmentsMaxCopiesReadsAreWatched) {
  std::string scenario = dir.path + "/three.yaml";
  write(scenario, R"(name: three
duration: 5
settle: 0
segments: [a, b, c]
hosts:
  - {name: h, segments: [a]}
expect:
  - {max_copies: 1, segment: b}
)");
  Child c = spawn_netsim(GetParam(), {"run", scenario}, dir.path);
  wait_exit(c.pid, 60);
  const std::string err = slurp(c.err);
  EXPECT_NE(err.find("capturing on 1 of 3 segment bridge(s): b\n"), std::string::npos) << err;
  Child all = spawn_netsim(GetParam(), {"run", "--capture", dir.path + "/pcaps", scenario},
                           dir.path);
  wait_exit(all.pid, 60);
  const std::string all_err = slurp(all.err);
  EXPECT_NE(all_err.find("capturing on 3 of 3 segment bridge(s): a, b, c\n"), std::string::npos)
      << all_err;
}

TEST_P(NetsimRun, SigintMidRunStopsTearsDownAndExits130) {
  std::string tok = token();
  std::string scenario = dir.path + "/long.yaml";
  write(scenario,
        sleeper_scenario(tok, 120, "  - log: never\n    process: sleeper\n    at: 100\n"));
  Child c = spawn_netsim(GetParam(), {"run", "--json", scenario}, dir.path);
  ASSERT_TRUE(wait_for_text(c.err, "timeline started", 30)) << slurp(c.err);
  ASSERT_FALSE(leftovers(tok, {}).empty()) << "the sleeper should be running before the interrupt";
  kill(c.pid, SIGINT);
  int rc = wait_exit(c.pid, 30);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 130) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  EXPECT_TRUE(report["interrupted"].get<bool>());
  EXPECT_EQ(report["expectations"][0]["verdict"], "NOT RUN");
  auto left = leftovers(tok, inodes_from_report(report));
  EXPECT_TRUE(left.empty()) << left.front();
}

TEST_P(NetsimRun, SigkillOfNetsimStillLeavesNothingBecausePid1TakesItAllDown) {
  std::string tok = token();
  std::string scenario = dir.path + "/long.yaml";
  write(scenario,
        sleeper_scenario(tok, 120, "  - log: never\n    process: sleeper\n    at: 100\n"));
  Child c = spawn_netsim(GetParam(), {"run", scenario}, dir.path);
  ASSERT_TRUE(wait_for_text(c.err, "timeline started", 30)) << slurp(c.err);
  ASSERT_FALSE(leftovers(tok, {}).empty());
  kill(c.pid, SIGKILL);
  EXPECT_EQ(wait_exit(c.pid, 10), 128 + SIGKILL);
  // The kernel tears the pid namespace down asynchronously; give it a bounded moment.
  std::vector<std::string> left;
  for (int i = 0; i < 100; ++i) {
    left = leftovers(tok, {});
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(left.empty()) << left.front();
}

INSTANTIATE_TEST_SUITE_P(Netsim, NetsimRun, ::testing::Values(Mode::invoker, Mode::unprivileged),
                         [](const ::testing::TestParamInfo<Mode>& p) {
                           return mode_name(p.param);
                         });

TEST(NetsimCli, BadScenarioExits2WithFileAndLine) {
  TempDir dir;
  std::string scenario = dir.path + "/bad.yaml";
  write(scenario, "duration: 5\nsegments:\n  - name: a\n    subnet: 10.0.0.0/24\n");
  Child c = spawn_netsim(Mode::invoker, {"run", scenario}, dir.path);
  EXPECT_EQ(wait_exit(c.pid, 30), 2);
  std::string err = slurp(c.err);
  EXPECT_NE(err.find(scenario + ":4: subnet 10.0.0.0/24 is outside 198.18.0.0/15"),
            std::string::npos)
      << err;
}

TEST(NetsimCli, CheckValidatesAndPrintsTheAddressPlanWithoutBuilding) {
  TempDir dir;
  Child c = spawn_netsim(
      Mode::invoker,
      {"check", std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios/two-segments.yaml"}, dir.path);
  EXPECT_EQ(wait_exit(c.pid, 30), 0);
  std::string out = slurp(c.out);
  EXPECT_NE(out.find("router (router):  eth0=198.18.1.1 on a  eth1=198.18.2.1 on b"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("--other-relays 198.18.2.2"), std::string::npos) << out;
}

TEST(NetsimCli, UnknownOptionIsAUsageErrorExit2) {
  TempDir dir;
  Child c = spawn_netsim(Mode::invoker, {"run", "--no-such-option", "x.yaml"}, dir.path);
  EXPECT_EQ(wait_exit(c.pid, 30), 2);
}

// The negative control of udp-deliver.yaml: the same tools, but a broadcast sent on
// segment a and awaited on segment b (no relay): deliver must fail, with 0 delivered.
TEST(NetsimDeliver, ABroadcastDoesNotCrossTheRouterSoDeliverFails) {
  for (const char* tool : {"udp-send", "udp-recv"})
    if (access((bin_dir() + "/" + tool).c_str(), X_OK) != 0)
      GTEST_SKIP() << tool << " not built in " << bin_dir();
  TempDir dir;
  std::string scenario = dir.path + "/no-cross.yaml";
  write(scenario, R"Y(name: no-cross
duration: 10
settle: 0
segments: [a, b]
routers: [{name: router, segments: [a, b]}]
hosts:
  - {name: client, segments: [a]}
  - {name: server, segments: [b]}
expect:
  - {deliver: 50, from: client, to: 198.18.1.255:6001, receiver: server, within: 1}
)Y");
  Child c = spawn_netsim(Mode::invoker, {"run", "--json", scenario}, dir.path);
  int rc = wait_exit(c.pid, 60);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 1) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  const auto& x = report["expectations"][0];
  EXPECT_EQ(x["verdict"], "FAIL");
  EXPECT_EQ(x["figures"]["delivered"], 0);
  EXPECT_EQ(x["figures"]["sent"], 50) << "the sender did send: the network lost them";
  EXPECT_TRUE(leftovers("", inodes_from_report(report)).empty());
}

// netsim in IPv6 (fixtures/scenarios/ipv6-udp.yaml): every check passes, including the
// negative controls (the ff15 group does not cross the router, no IPv4 path through
// the IPv6-only transit), with the hop limit and the IPv6 sources measured. As the
// invoker with the netlink engine, and rootless with the ip engine: both engines and
// both privilege levels set IPv6 up usable at once.
class NetsimIpv6 : public ::testing::TestWithParam<std::tuple<Mode, std::string>> {};

TEST_P(NetsimIpv6, UnicastCrossesRoutersMulticastStaysOnItsSegmentWithHopLimit1) {
  const auto& [mode, engine] = GetParam();
  for (const char* tool : {"udp-send", "udp-recv"})
    if (access((bin_dir() + "/" + tool).c_str(), X_OK) != 0)
      GTEST_SKIP() << tool << " not built in " << bin_dir();
  if (mode == Mode::unprivileged && (geteuid() != 0 || !getpwnam(kUnprivilegedUser)))
    GTEST_SKIP() << "unprivileged variant needs root and user " << kUnprivilegedUser;
  if (access("/proc/sys/net/ipv6", F_OK) != 0) GTEST_SKIP() << "kernel without IPv6";
  TempDir dir;
  std::string file = std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios/ipv6-udp.yaml";
  Child c = spawn_netsim(mode, {"run", "--json", "--engine", engine, file}, dir.path);
  int rc = wait_exit(c.pid, 60);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 0) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  const auto& x = report["expectations"];
  ASSERT_EQ(x.size(), 11u);
  // Unicast across r1, from the client's IPv6 address.
  EXPECT_EQ(x[0]["figures"]["delivered"], 200);
  EXPECT_EQ(x[0]["figures"]["ttl_min"], 63) << "hop limit 64, one router";
  EXPECT_EQ(x[0]["figures"]["sources"].begin().key().rfind("[2001:db8:1::10]:", 0), 0u);
  // Multicast on the sender's segment: hop limit 1 seen by the receiver; > MTU intact.
  EXPECT_EQ(x[1]["figures"]["delivered"], 50);
  EXPECT_EQ(x[1]["figures"]["ttl_min"], 1);
  EXPECT_EQ(x[1]["figures"]["ttl_max"], 1);
  EXPECT_EQ(x[2]["figures"]["delivered"], 20);
  EXPECT_EQ(x[2]["figures"]["corrupt"], 0);
  // Negative controls: sent in full, nothing arrived.
  for (int i : {3, 6}) {
    EXPECT_EQ(x[i]["figures"]["delivered"], 0) << x[i]["measured"];
    EXPECT_EQ(x[i]["figures"]["sent"], 20) << x[i]["measured"];
  }
  // The IPv6-only segment, the path through it, and edge's per-family default routes.
  EXPECT_EQ(x[4]["figures"]["delivered"], 50);
  EXPECT_EQ(x[5]["figures"]["delivered"], 50);
  EXPECT_EQ(x[5]["figures"]["ttl_min"], 62) << "two routers";
  EXPECT_EQ(x[7]["figures"]["sources"].begin().key().rfind("198.18.2.11:", 0), 0u);
  EXPECT_EQ(x[8]["figures"]["sources"].begin().key().rfind("[2001:db8:3::11]:", 0), 0u);
  // The segment capture counts IPv6 datagrams to the search port (one copy each).
  EXPECT_EQ(x[10]["verdict"], "PASS") << x[10]["measured"];
  EXPECT_GE(x[10]["figures"]["datagrams"], 10) << x[10]["measured"];
  EXPECT_TRUE(leftovers("", inodes_from_report(report)).empty());
}

INSTANTIATE_TEST_SUITE_P(Scenario, NetsimIpv6,
                         ::testing::Values(std::make_tuple(Mode::invoker, "netlink"),
                                           std::make_tuple(Mode::unprivileged, "ip")),
                         [](const ::testing::TestParamInfo<std::tuple<Mode, std::string>>& p) {
                           return mode_name(std::get<0>(p.param)) + "_" + std::get<1>(p.param);
                         });

TEST(NetsimCli, CheckPrintsTheIpv6PlanToo) {
  TempDir dir;
  Child c = spawn_netsim(
      Mode::invoker, {"check", std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios/ipv6-udp.yaml"},
      dir.path);
  EXPECT_EQ(wait_exit(c.pid, 30), 0);
  std::string out = slurp(c.out);
  EXPECT_NE(out.find("  w  no IPv4  2001:db8:3::/64\n"), std::string::npos) << out;
  EXPECT_NE(out.find("edge:  eth0=2001:db8:3::11 on w  eth1=198.18.2.11,2001:db8:b::11 on b"),
            std::string::npos)
      << out;
}

TEST(NetsimCli, CheckPrintsTheSwarmNodesOverlaysVnisAndTaskAddresses) {
  TempDir dir;
  Child c = spawn_netsim(
      Mode::invoker,
      {"check", std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios/swarm-overlay.yaml"}, dir.path);
  EXPECT_EQ(wait_exit(c.pid, 30), 0);
  std::string out = slurp(c.out);
  EXPECT_NE(out.find("  node2  VTEP 198.18.0.12 on underlay\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  pvanet  198.19.1.0/24  VNI 4096  MTU 1450  UDP 4789  no flooding"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("    on node1: relay1=198.19.1.2 ioc=198.19.1.5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("relay2 (task on node2, service snowsignal):  eth0=198.19.1.3 on pvanet mac "
                     "02:42:c6:13:01:03"),
            std::string::npos)
      << out;
}

// The shipped scenarios against the real snowsignal and pva tools.
class ShippedScenario : public ::testing::TestWithParam<std::tuple<std::string, Mode>> {};

TEST_P(ShippedScenario, PassesAgainstTheRealRelayAndPvaTools) {
  const auto& [name, mode] = GetParam();
  for (const char* tool : {"snowsignal", "pva-server", "pva-client", "udp-send", "udp-recv"})
    if (access((bin_dir() + "/" + tool).c_str(), X_OK) != 0)
      GTEST_SKIP() << tool << " not built in " << bin_dir() << " (build it, or set NETSIM_BIN_DIR)";
  if (mode == Mode::unprivileged && (geteuid() != 0 || !getpwnam(kUnprivilegedUser)))
    GTEST_SKIP() << "unprivileged variant needs root and user " << kUnprivilegedUser;
  TempDir dir;
  std::string file = std::string(SNOWSIGNAL_FIXTURES_DIR) + "/scenarios/" + name + ".yaml";
  Child c = spawn_netsim(mode, {"run", "--json", file}, dir.path);
  int rc = wait_exit(c.pid, 120);
  std::string out = slurp(c.out);
  ASSERT_EQ(rc, 0) << out << slurp(c.err);
  auto report = nlohmann::json::parse(out);
  EXPECT_TRUE(leftovers("", inodes_from_report(report)).empty());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ShippedScenario,
                         ::testing::Values(std::make_tuple("two-segments", Mode::invoker),
                                           std::make_tuple("no-relay", Mode::invoker),
                                           std::make_tuple("three-segments", Mode::invoker),
                                           std::make_tuple("relay-restart", Mode::invoker),
                                           std::make_tuple("large-search", Mode::invoker),
                                           std::make_tuple("two-relays-one-segment", Mode::invoker),
                                           std::make_tuple("faults", Mode::invoker),
                                           std::make_tuple("udp-deliver", Mode::invoker),
                                           std::make_tuple("udp-deliver", Mode::unprivileged),
                                           // As root: integration/swarm_overlay_test.cpp.
                                           std::make_tuple("swarm-overlay", Mode::unprivileged),
                                           std::make_tuple("two-segments", Mode::unprivileged)),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, Mode>>& p) {
                           std::string n =
                               std::get<0>(p.param) + "_" + mode_name(std::get<1>(p.param));
                           for (auto& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
