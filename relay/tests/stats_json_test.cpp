// The stats JSON contract read by netsim and the integration tests.
#include "stats_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace snowsignal::testing {
namespace {

TEST(StatsJson, HasTheContractKeysAndEveryDropReason) {
  Counters counters;
  counters.captured = 5;
  counters.forwarded = 4;
  counters.mesh_received = 3;
  counters.rebroadcast = 2;
  counters.send_errors = 1;
  counters.drop(DropReason::kUnknownPeer);
  const auto json = nlohmann::json::parse(
      stats_json(counters, {Ipv4Address{0xC6120202}, Ipv4Address{0xC6120302}}));
  EXPECT_EQ(json["captured"], 5);
  EXPECT_EQ(json["forwarded"], 4);
  EXPECT_EQ(json["mesh_received"], 3);
  EXPECT_EQ(json["rebroadcast"], 2);
  EXPECT_EQ(json["send_errors"], 1);
  EXPECT_EQ(json["dropped"]["unknown_peer"], 1);
  EXPECT_EQ(json["dropped"].size(), kDropReasonCount);
  for (const char* reason :
       {"own_mac", "not_broadcast", "wrong_port", "not_udp", "fragment", "malformed", "oversize",
        "bad_magic", "echo", "origin_segment", "duplicate"}) {
    EXPECT_EQ(json["dropped"][reason], 0) << reason;
  }
  EXPECT_EQ(json["peers"], nlohmann::json::array({"198.18.2.2", "198.18.3.2"}));
}

TEST(StatsLine, ListsOnlyNonZeroDropReasons) {
  Counters counters;
  EXPECT_NE(stats_line(counters).find("dropped: none"), std::string::npos);
  counters.drop(DropReason::kEcho);
  const std::string line = stats_line(counters);
  EXPECT_NE(line.find("echo=1"), std::string::npos);
  EXPECT_EQ(line.find("own_mac"), std::string::npos);
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("snowsignal-stats-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "stats.json").string();
  ASSERT_EQ(write_file_atomically(path, "{\"a\":1}"), "");
  ASSERT_EQ(write_file_atomically(path, "{\"a\":2}"), "");
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{\"a\":2}\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
  std::filesystem::remove_all(dir);
}

TEST(WriteFileAtomically, ReportsAnUnwritableDirectory) {
  EXPECT_NE(write_file_atomically("/nonexistent-dir/stats.json", "{}"), "");
}

}  // namespace
}  // namespace snowsignal::testing
