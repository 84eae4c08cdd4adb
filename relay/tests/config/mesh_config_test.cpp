// Configuration of mesh format v2: the key file (never a key on the command line or in
// the environment) and its refusals, --accept-v1, heartbeats and the datagram size.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "frames.h"
#include "mesh_key_file.h"
#include "mocks.h"
#include "snowsignal/config.h"

namespace snowsignal::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;

const std::string kKeyLine = "1 " + std::string(64, 'a') + "\n";

class MeshConfigTest : public ::testing::Test {
 protected:
  MeshConfigTest() {
    InterfaceInfo eth0;
    eth0.name = "eth0";
    eth0.ipv4 = ip("198.18.1.2");
    ON_CALL(interfaces_, find).WillByDefault(Return(std::nullopt));
    ON_CALL(interfaces_, find("eth0")).WillByDefault(Return(eth0));
    char pattern[] = "/tmp/snowsignal-keys-XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  ~MeshConfigTest() override { std::filesystem::remove_all(dir_); }

  std::string key_file(const std::string& text, mode_t mode = 0600,
                       const std::string& name = "mesh.key") {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  ConfigOutcome parse(std::vector<std::string> args, Environment env = {}) {
    return parse_config(std::move(args), env, interfaces_);
  }

  void expect_error(std::vector<std::string> args, Environment env, const std::string& says) {
    const ConfigOutcome outcome = parse(std::move(args), std::move(env));
    EXPECT_FALSE(outcome.config);
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_THAT(outcome.message, HasSubstr(says));
    EXPECT_THAT(outcome.message, Not(HasSubstr("\n")));
    EXPECT_THAT(outcome.message, Not(HasSubstr("aaaa"))) << "never print a key";
  }

  std::string dir_;
  ::testing::NiceMock<MockInterfaceLookup> interfaces_;
};

TEST_F(MeshConfigTest, WithoutAKeyFileTheRelaySpeaksV1AndTheDefaultsHold) {
  const ConfigOutcome outcome = parse({});
  ASSERT_TRUE(outcome.config);
  EXPECT_FALSE(outcome.config->mesh_key_file);
  EXPECT_TRUE(outcome.config->mesh_keys.empty());
  EXPECT_FALSE(outcome.config->accept_v1);
  EXPECT_EQ(outcome.config->heartbeat_interval_s, 2u);
  EXPECT_EQ(outcome.config->mesh_datagram_size, 1472u);
}

TEST_F(MeshConfigTest, KeysComeFromTheFileNamedByFlagOrEnvironment) {
  const std::string path = key_file(kKeyLine + "2 " + std::string(64, 'b'));
  for (const auto& [args, env] : std::vector<std::pair<std::vector<std::string>, Environment>>{
           {{"--mesh-key-file", path}, {}}, {{}, {{"MESH_KEY_FILE", path}}}}) {
    const ConfigOutcome outcome = parse(args, env);
    ASSERT_TRUE(outcome.config) << outcome.message;
    EXPECT_EQ(outcome.config->mesh_key_file, path);
    ASSERT_EQ(outcome.config->mesh_keys.size(), 2u);
    EXPECT_EQ(outcome.config->mesh_keys[0].first, 1);
    EXPECT_EQ(outcome.config->mesh_keys[0].second, std::vector<Byte>(32, 0xAA));
    EXPECT_EQ(outcome.config->mesh_keys[1].first, 2);
  }
}

TEST_F(MeshConfigTest, ABadKeyFileIsExitTwoWithOneLineNamingIt) {
  expect_error({"--mesh-key-file", dir_ + "/missing"}, {},
               "--mesh-key-file: " + dir_ + "/missing: No such file or directory");
  expect_error({}, {{"MESH_KEY_FILE", key_file(kKeyLine, 0644)}},
               "MESH_KEY_FILE: " + dir_ +
                   "/mesh.key: readable or writable by other users (mode "
                   "0644)");
  expect_error({"--mesh-key-file", key_file("1 abcd\n", 0600, "short.key")}, {},
               "short.key: line 1: key is too short");
  expect_error({"--mesh-key-file", key_file("", 0600, "empty.key")}, {}, "no key in the file");
  expect_error({"--mesh-key-file", dir_}, {}, "not a regular file");
}

TEST_F(MeshConfigTest, AnUnreadableKeyFileIsExitTwo) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads a file whatever its mode";
  expect_error({"--mesh-key-file", key_file(kKeyLine, 0200)}, {}, "Permission denied");
}

TEST_F(MeshConfigTest, AKeyFileReachedThroughASymlinkWorksAsKubernetesMountsThem) {
  const std::string target = key_file(kKeyLine, 0400);
  const std::string link = dir_ + "/link.key";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const ConfigOutcome outcome = parse({"--mesh-key-file", link});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_EQ(outcome.config->mesh_keys.size(), 1u);
}

TEST_F(MeshConfigTest, AcceptV1ComesFromFlagOrEnvironmentAndNeedsAKey) {
  const std::string path = key_file(kKeyLine);
  auto outcome = parse({"--mesh-key-file", path, "--accept-v1"});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_TRUE(outcome.config->accept_v1);
  outcome = parse({"--mesh-key-file", path}, {{"ACCEPT_V1", "yes"}});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_TRUE(outcome.config->accept_v1);
  outcome = parse({"--mesh-key-file", path}, {{"ACCEPT_V1", "0"}});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_FALSE(outcome.config->accept_v1);
  expect_error({"--mesh-key-file", path}, {{"ACCEPT_V1", "maybe"}}, "ACCEPT_V1: 'maybe'");
  expect_error({"--accept-v1"}, {}, "--accept-v1/ACCEPT_V1 needs --mesh-key-file");
}

TEST_F(MeshConfigTest, HeartbeatIntervalAndDatagramSizeAreBounded) {
  auto outcome = parse({"--heartbeat-interval", "0", "--mesh-datagram-size", "9000"});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_EQ(outcome.config->heartbeat_interval_s, 0u);
  EXPECT_EQ(outcome.config->mesh_datagram_size, 9000u);
  outcome = parse({}, {{"HEARTBEAT_INTERVAL", "5"}, {"MESH_DATAGRAM_SIZE", "128"}});
  ASSERT_TRUE(outcome.config) << outcome.message;
  EXPECT_EQ(outcome.config->heartbeat_interval_s, 5u);
  expect_error({"--heartbeat-interval", "3601"}, {}, "--heartbeat-interval");
  expect_error({"--mesh-datagram-size", "127"}, {}, "--mesh-datagram-size: '127'");
  expect_error({}, {{"MESH_DATAGRAM_SIZE", "65508"}}, "MESH_DATAGRAM_SIZE");
}

TEST_F(MeshConfigTest, HelpNamesTheKeyFileAndItsEnvironmentVariable) {
  const ConfigOutcome outcome = parse({"--help"});
  EXPECT_THAT(outcome.message, HasSubstr("--mesh-key-file"));
  EXPECT_THAT(outcome.message, HasSubstr("MESH_KEY_FILE"));
  EXPECT_THAT(outcome.message, HasSubstr("--accept-v1"));
}

}  // namespace
}  // namespace snowsignal::testing
