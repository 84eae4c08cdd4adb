// CAP_NET_RAW, absent and present (issue 21): the relay starts, and without the
// capability exits 2 with one line naming it and the settings that grant it, instead
// of the kernel's bare "operation not permitted"; a binary that holds it as a
// permitted-only file capability (setcap cap_net_raw+p, as the image ships it) raises it
// itself and relays as an unprivileged user.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/scenario_run.h"

namespace integration {
namespace {

namespace fs = std::filesystem;

const std::string kMissing = "CAP_NET_RAW is missing";

// Two copies of the relay an unprivileged user may run: one with cap_net_raw+p, one
// with no file capability at all.
class RelayCopies {
 public:
  RelayCopies() {
    std::string pattern = (fs::temp_directory_path() / "snowsignal-caps-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    chmod(dir_.c_str(), 0755);
    fs::copy_file(SNOWSIGNAL_EXE, with());
    fs::copy_file(SNOWSIGNAL_EXE, without());
    ok_ = std::system(("setcap cap_net_raw+p " + with().string()).c_str()) == 0;
  }
  ~RelayCopies() { fs::remove_all(dir_); }
  fs::path with() const { return dir_ / "snowsignal-with-cap"; }
  fs::path without() const { return dir_ / "snowsignal-without-cap"; }
  bool ok() const { return ok_; }

 private:
  fs::path dir_;
  bool ok_ = false;
};

// relay-a runs `command` (a shell line ending in the relay's arguments) and logs its
// exit status; relay-b is an ordinary relay, the client on a looks for the server on b.
std::string scenario(const std::string& name, const std::string& command) {
  return two_segment_network(name) + R"(  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
      - command: [sh, -c, ")" +
         command + R"( -t eth0 --status-socket none --other-relays 198.18.2.2 --stats-file ${stats}; echo relay-a exit $$?"]
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
      - command: [snowsignal, -t, eth0, --other-relays, "${relay-a}", --stats-file, "${stats}"]
        ready: "relay ready:"
  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --pv, "CAPS:PV"]
        ready: "pva-server ready:"
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
)";
}

bool root_with_tools() {
  return geteuid() == 0 && std::system("command -v setcap setpriv >/dev/null 2>&1") == 0;
}

TEST(Capability, WithoutNetRawTheRelayExitsTwoWithOneLineThatSaysHowToGrantIt) {
  if (!root_with_tools()) GTEST_SKIP() << "needs root, setcap (libcap2-bin) and setpriv";
  // Root, but CAP_NET_RAW out of the bounding set: what cap_drop: [ALL] leaves.
  const auto run = run_generated_scenario(
      "caps-dropped", scenario("caps-dropped",
                               "setpriv --bounding-set -net_raw --inh-caps -all " SNOWSIGNAL_EXE) +
                          R"(expect:
  - {log: "relay-a exit 2", process: relay-a, at: 2}
  - {log: ")" + kMissing + R"(", process: relay-a, at: 2}
  - {log: "cap_add: [NET_RAW]", process: relay-a, at: 2}
  - {no_discover: CAPS:PV, from: server, client: client, within: 2, at: 0}
)");
  expect_all_pass(run);
  const std::string log = read_text(run.log("relay-a"));
  EXPECT_EQ(log.find("relay ready"), std::string::npos) << log;
}

TEST(Capability, APermittedOnlyFileCapabilityIsRaisedByTheRelayAndItRelaysUnprivileged) {
  if (!root_with_tools()) GTEST_SKIP() << "needs root, setcap (libcap2-bin) and setpriv";
  const RelayCopies copies;
  if (!copies.ok()) GTEST_SKIP() << "setcap failed here (no file capabilities on /tmp?)";
  const std::string nobody = "setpriv --reuid 65534 --regid 65534 --clear-groups ";
  const auto run = run_generated_scenario(
      "caps-file", scenario("caps-file", nobody + copies.with().string()) +
                       R"(expect:
  - {discover: CAPS:PV, from: server, client: client, within: 5, at: 1}
  - {log: "relay ready:", process: relay-a, at: 1}
)");
  expect_all_pass(run);
  // The control: the same user and binary without the file capability.
  const auto control = run_generated_scenario(
      "caps-none", scenario("caps-none", nobody + copies.without().string()) +
                       R"(expect:
  - {log: "relay-a exit 2", process: relay-a, at: 2}
  - {log: ")" + kMissing + R"(", process: relay-a, at: 2}
  - {no_discover: CAPS:PV, from: server, client: client, within: 2, at: 0}
)");
  expect_all_pass(control);
}

}  // namespace
}  // namespace integration
