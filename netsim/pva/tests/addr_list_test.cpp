// pva-client's search destinations and retry schedule.
#include "addr_list.h"

#include <gtest/gtest.h>

#include "search_schedule.h"

namespace pva::client {
namespace {

using net::Endpoint;

const std::vector<Ipv4> kIfaces{{198, 18, 1, 255}, {198, 18, 2, 255}};

TEST(AddrList, DefaultIsEveryInterfaceBroadcastAtPort5076) {
  AddrListInputs in;
  in.interface_broadcasts = kIfaces;
  const auto r = resolve_search_targets(in);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.targets,
            (std::vector<Endpoint>{{{198, 18, 1, 255}, 5076}, {{198, 18, 2, 255}, 5076}}));
}

TEST(AddrList, EnvListIsSpaceSeparatedAndCombinesWithAutoList) {
  AddrListInputs in;
  in.env_addr_list = "198.18.2.10  198.18.3.10:6000";
  in.interface_broadcasts = kIfaces;
  const auto r = resolve_search_targets(in);
  EXPECT_EQ(r.targets, (std::vector<Endpoint>{{{198, 18, 2, 10}, 5076},
                                              {{198, 18, 3, 10}, 6000},
                                              {{198, 18, 1, 255}, 5076},
                                              {{198, 18, 2, 255}, 5076}}));
}

TEST(AddrList, AutoAddrListNoLeavesOnlyTheExplicitList) {
  AddrListInputs in;
  in.env_addr_list = "127.0.0.1";
  in.env_auto_addr_list = "NO";
  in.interface_broadcasts = kIfaces;
  EXPECT_EQ(resolve_search_targets(in).targets, (std::vector<Endpoint>{{{127, 0, 0, 1}, 5076}}));
}

TEST(AddrList, FlagsOverrideTheEnvironment) {
  AddrListInputs in;
  in.flag_addr_list = "127.0.0.1,127.0.0.2:7000";
  in.flag_broadcast_port = 15076;
  in.flag_auto_addr_list = false;
  in.env_addr_list = "198.18.9.9";
  in.env_auto_addr_list = "YES";
  in.env_broadcast_port = "9999";
  in.interface_broadcasts = kIfaces;
  const auto r = resolve_search_targets(in);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.broadcast_port, 15076);
  EXPECT_EQ(r.targets, (std::vector<Endpoint>{{{127, 0, 0, 1}, 15076}, {{127, 0, 0, 2}, 7000}}));
}

TEST(AddrList, EnvBroadcastPortAppliesToEntriesWithoutPort) {
  AddrListInputs in;
  in.env_addr_list = "10.0.0.1";
  in.env_auto_addr_list = "no";
  in.env_broadcast_port = "5999";
  EXPECT_EQ(resolve_search_targets(in).targets, (std::vector<Endpoint>{{{10, 0, 0, 1}, 5999}}));
}

TEST(AddrList, BadEntriesAreErrorsNamingTheirSource) {
  AddrListInputs flag;
  flag.flag_addr_list = "127.0.0.1,nonsense";
  EXPECT_NE(resolve_search_targets(flag).error.find("--addr-list"), std::string::npos);
  AddrListInputs env;
  env.env_addr_list = "300.1.1.1";
  EXPECT_NE(resolve_search_targets(env).error.find("EPICS_PVA_ADDR_LIST"), std::string::npos);
  AddrListInputs port;
  port.env_broadcast_port = "0";
  EXPECT_NE(resolve_search_targets(port).error.find("EPICS_PVA_BROADCAST_PORT"), std::string::npos);
  AddrListInputs yn;
  yn.env_auto_addr_list = "maybe";
  EXPECT_NE(resolve_search_targets(yn).error.find("EPICS_PVA_AUTO_ADDR_LIST"), std::string::npos);
}

TEST(AddrList, NoDestinationAtAllIsAnError) {
  AddrListInputs in;  // auto list on, but no interfaces
  EXPECT_FALSE(resolve_search_targets(in).error.empty());
}

TEST(AddrList, UnicastTargetsAreThoseNotBroadcast) {
  EXPECT_TRUE(is_broadcast_target({255, 255, 255, 255}, {}));
  EXPECT_TRUE(is_broadcast_target({198, 18, 2, 255}, kIfaces));
  EXPECT_FALSE(is_broadcast_target({198, 18, 2, 10}, kIfaces));
}

TEST(SearchSchedule, BackOffStartsAtHalfASecondDoublesAndCapsAtFour) {
  using std::chrono::milliseconds;
  EXPECT_EQ(retry_delay(0), milliseconds(500));
  EXPECT_EQ(retry_delay(1), milliseconds(1000));
  EXPECT_EQ(retry_delay(2), milliseconds(2000));
  EXPECT_EQ(retry_delay(3), milliseconds(4000));
  EXPECT_EQ(retry_delay(50), milliseconds(4000));
}

TEST(SearchSchedule, NeverFasterThanRelayDeduplicationWindow) {
  for (unsigned i = 0; i < 100; ++i) EXPECT_GE(retry_delay(i), std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace pva::client
