// Discovery across segments through real snowsignal relays, in every direction, and what
// the server and the wire see while it happens.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/scenario_run.h"
#include "support/segment_capture.h"

namespace integration {
namespace {

bool any_starts_with(const nlohmann::json& list, const std::string& prefix) {
  return std::any_of(list.begin(), list.end(), [&](const nlohmann::json& item) {
    return item.get<std::string>().rfind(prefix, 0) == 0;
  });
}

TEST(Discovery, ClientsOnEachOfTwoSegmentsFindTheServerOnTheOther) {
  const auto run = run_scenario(scenario_file("integration/both-directions.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(run.report.at("passed"), 2) << run.summary();
}

TEST(Discovery, ServerSeesTheClientsRealAddressForSearchAndTcp) {
  const auto run = run_scenario(scenario_file("integration/both-directions.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  // The relay kept the client's IP source, so the server answered the client itself and
  // the TCP handshake came from the client, not from a relay.
  const auto b = read_json(run.stats("server-b"));
  EXPECT_TRUE(any_starts_with(b.at("search_sources"), "198.18.1.30:")) << b.dump();
  EXPECT_TRUE(any_starts_with(b.at("tcp_peers"), "198.18.1.30")) << b.dump();
  EXPECT_FALSE(any_starts_with(b.at("search_sources"), "198.18.2.2:")) << b.dump();
  const auto a = read_json(run.stats("server-a"));
  EXPECT_TRUE(any_starts_with(a.at("search_sources"), "198.18.2.30:")) << a.dump();
  EXPECT_TRUE(any_starts_with(a.at("tcp_peers"), "198.18.2.30")) << a.dump();
}

TEST(Discovery, ThreeSegmentFullMeshFindsEveryServerFromEverySegmentWithOneCopyEach) {
  const auto run = run_scenario(scenario_file("integration/three-segments-full-mesh.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  EXPECT_EQ(run.report.at("passed"), 8) << run.summary();
}

TEST(Discovery, SegmentsWithDifferentSubnetSizesGetTheirOwnBroadcastAddress) {
  const auto run = run_scenario(scenario_file("integration/different-subnets.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  // The search from a (198.18.4.0/23, broadcast .5.255) is re-addressed on b
  // (198.18.8.128/26, broadcast .8.191), with the client's source kept.
  bool relayed = false;
  for (const auto& d : broadcasts_in(run.pcap("b"))) {
    if (d.ip_source.rfind("198.18.4.", 0) != 0) continue;
    relayed = true;
    EXPECT_EQ(d.ip_destination, "198.18.8.191");
    EXPECT_TRUE(d.ip_checksum_ok);
    EXPECT_TRUE(d.udp_checksum_ok);
  }
  EXPECT_TRUE(relayed) << "no search from segment a appeared on segment b";
}

TEST(Discovery, LimitedBroadcastIsRelayedAndKeptAs255255255255) {
  const auto run = run_scenario(scenario_file("integration/limited-broadcast.yaml"));
  ASSERT_EQ(run.exit_code, 0) << run.summary();
  const auto on_a = broadcasts_in(run.pcap("a"));
  const auto on_b = broadcasts_in(run.pcap("b"));
  const auto from_client = [](const BroadcastDatagram& d) { return d.ip_source == "198.18.1.30"; };
  // The client sent only to 255.255.255.255 (auto address list off), and that is what
  // segment b saw: the relay does not rewrite the limited broadcast.
  ASSERT_GT(std::count_if(on_a.begin(), on_a.end(), from_client), 0);
  for (const auto& d : on_a) {
    if (!from_client(d)) continue;
    EXPECT_EQ(d.ip_destination, "255.255.255.255");
  }
  ASSERT_GT(std::count_if(on_b.begin(), on_b.end(), from_client), 0);
  for (const auto& d : on_b) {
    if (!from_client(d)) continue;
    EXPECT_EQ(d.ip_destination, "255.255.255.255");
    EXPECT_TRUE(d.udp_checksum_ok);
  }
}

}  // namespace
}  // namespace integration
