// Configuration: precedence flag > env > default, SnowSignal spellings, every error path.
#include "snowsignal/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frames.h"
#include "mocks.h"

namespace snowsignal::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;

// A value for every environment variable, each different from its default.
const Environment kEveryVariable = {{"TARGET_INTERFACE", "veth1"}, {"BDCAST_PORT", "5080"},
                                    {"MESH_PORT", "7000"},         {"LOGLEVEL", "debug"},
                                    {"STATS_INTERVAL", "5"},       {"STATS_FILE", "/tmp/s.json"},
                                    {"DEDUP_WINDOW_MS", "0"}};

class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() {
    InterfaceInfo eth0;
    eth0.name = "eth0";
    eth0.ipv4 = ip("198.18.1.2");
    eth0.broadcast = ip("198.18.1.255");
    InterfaceInfo veth1 = eth0;
    veth1.name = "veth1";
    InterfaceInfo noip = eth0;
    noip.name = "noip0";
    noip.ipv4.reset();
    ON_CALL(interfaces_, find).WillByDefault(Return(std::nullopt));
    ON_CALL(interfaces_, find("eth0")).WillByDefault(Return(eth0));
    ON_CALL(interfaces_, find("veth1")).WillByDefault(Return(veth1));
    ON_CALL(interfaces_, find("noip0")).WillByDefault(Return(noip));
  }

  ConfigOutcome parse(std::vector<std::string> args, Environment env = {}) {
    return parse_config(std::move(args), env, interfaces_);
  }

  Config ok(std::vector<std::string> args, Environment env = {}) {
    ConfigOutcome outcome = parse(std::move(args), std::move(env));
    EXPECT_TRUE(outcome.config) << outcome.message;
    return outcome.config.value_or(Config{});
  }

  // The error contract: exit status 2 and one line that names the culprit.
  void expect_error(std::vector<std::string> args, Environment env, const std::string& names) {
    const ConfigOutcome outcome = parse(std::move(args), std::move(env));
    EXPECT_FALSE(outcome.config);
    EXPECT_EQ(outcome.exit_code, 2);
    EXPECT_THAT(outcome.message, HasSubstr(names));
    EXPECT_THAT(outcome.message, Not(HasSubstr("\n")));
  }

  ::testing::NiceMock<MockInterfaceLookup> interfaces_;
};

TEST_F(ConfigTest, DefaultsMatchSnowSignal) {
  const Config config = ok({});
  EXPECT_EQ(config.interface.name, "eth0");
  EXPECT_EQ(config.traffic.broadcast_ports, (std::vector<std::uint16_t>{5076}));
  EXPECT_EQ(config.mesh_port, 7124);
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
  EXPECT_TRUE(config.other_relays.empty());
  EXPECT_FALSE(config.service_name);
  EXPECT_EQ(config.stats_interval_s, 0u);
  EXPECT_FALSE(config.stats_file);
  EXPECT_EQ(config.dedup_window_ms, 500u);
  EXPECT_TRUE(config.host_local);
}

TEST_F(ConfigTest, HostLocalIsOnOffByFlagOrEnvAndOffWithSnowSignalsBehaviour) {
  EXPECT_FALSE(ok({"--host-local", "off"}).host_local);
  EXPECT_FALSE(ok({}, {{"HOST_LOCAL", "OFF"}}).host_local);
  EXPECT_TRUE(ok({"--host-local", "on"}, {{"HOST_LOCAL", "off"}}).host_local);
  // No window asked for: SnowSignal's own-MAC rule, said by being off...
  EXPECT_FALSE(ok({"--dedup-window-ms", "0"}).host_local);
  // ...and refused when both are asked for.
  expect_error({"--dedup-window-ms", "0", "--host-local", "on"}, {}, "--host-local: 'on' needs");
  expect_error({"--host-local", "sometimes"}, {}, "--host-local: 'sometimes' is not on or off");
  expect_error({}, {{"HOST_LOCAL", "2"}}, "HOST_LOCAL: '2' is not on or off");
}

TEST_F(ConfigTest, TheElectionIntervalIsOneSecondByDefaultAndOffWithoutTheWindow) {
  EXPECT_EQ(ok({}).election_interval_ms, 1000u);
  EXPECT_EQ(ok({"--election-interval-ms", "250"}).election_interval_ms, 250u);
  EXPECT_EQ(ok({}, {{"ELECTION_INTERVAL_MS", "0"}}).election_interval_ms, 0u);
  EXPECT_EQ(ok({"--dedup-window-ms", "0"}).election_interval_ms, 0u) << "SnowSignal's behaviour";
  expect_error({"--election-interval-ms", "50"}, {}, "--election-interval-ms: '50'");
  expect_error({}, {{"ELECTION_INTERVAL_MS", "soon"}}, "ELECTION_INTERVAL_MS: 'soon'");
}

TEST_F(ConfigTest, EnvironmentOverridesDefaults) {
  const Config config = ok({}, kEveryVariable);
  EXPECT_EQ(config.interface.name, "veth1");
  EXPECT_EQ(config.traffic.broadcast_ports, (std::vector<std::uint16_t>{5080}));
  EXPECT_EQ(config.mesh_port, 7000);
  EXPECT_EQ(config.log_level, LogLevel::kDebug);
  EXPECT_EQ(config.stats_interval_s, 5u);
  EXPECT_EQ(config.stats_file, "/tmp/s.json");
  EXPECT_EQ(config.dedup_window_ms, 0u);
}

TEST_F(ConfigTest, FlagsOverrideEnvironment) {
  const Config config =
      ok({"-t", "eth0", "-b", "5090", "-m", "7200", "-l", "error", "--stats-interval", "7",
          "--stats-file", "/tmp/f.json", "--dedup-window-ms", "250"},
         kEveryVariable);
  EXPECT_EQ(config.interface.name, "eth0");
  EXPECT_EQ(config.traffic.broadcast_ports, (std::vector<std::uint16_t>{5090}));
  EXPECT_EQ(config.mesh_port, 7200);
  EXPECT_EQ(config.log_level, LogLevel::kError);
  EXPECT_EQ(config.stats_interval_s, 7u);
  EXPECT_EQ(config.stats_file, "/tmp/f.json");
  EXPECT_EQ(config.dedup_window_ms, 250u);
}

TEST_F(ConfigTest, LongFlagsWork) {
  const Config config = ok({"--target-interface=veth1", "--broadcast-port", "6000", "--mesh-port",
                            "6001", "--log-level", "warning"});
  EXPECT_EQ(config.interface.name, "veth1");
  EXPECT_EQ(config.traffic.broadcast_ports, (std::vector<std::uint16_t>{6000}));
  EXPECT_EQ(config.mesh_port, 6001);
  EXPECT_EQ(config.log_level, LogLevel::kWarning);
}

TEST_F(ConfigTest, AcceptsSnowSignalDoubleLetterLogLevelFlag) {
  EXPECT_EQ(ok({"-ll", "critical"}).log_level, LogLevel::kCritical);
  EXPECT_EQ(ok({"-ll=debug"}).log_level, LogLevel::kDebug);
}

TEST_F(ConfigTest, LogLevelIsCaseInsensitive) {
  EXPECT_EQ(ok({}, {{"LOGLEVEL", "WARNING"}}).log_level, LogLevel::kWarning);
}

TEST_F(ConfigTest, OtherRelaysFromFlagTakeSpacesAndCommas) {
  const Config config = ok({"--other-relays", "198.18.2.2", "relay-c,198.18.4.2", "-b", "5076"});
  EXPECT_EQ(config.other_relays, (std::vector<std::string>{"198.18.2.2", "relay-c", "198.18.4.2"}));
  EXPECT_EQ(config.other_relays_source, "--other-relays");
}

TEST_F(ConfigTest, OtherRelaysFromEnvironmentSplitOnCommasAndSpaces) {
  const Config config = ok({}, {{"OTHER_RELAYS", "198.18.2.2, relay-c  198.18.4.2,"}});
  EXPECT_EQ(config.other_relays, (std::vector<std::string>{"198.18.2.2", "relay-c", "198.18.4.2"}));
  EXPECT_EQ(config.other_relays_source, "OTHER_RELAYS");
}

TEST_F(ConfigTest, OtherRelaysFlagWinsOverEnvironment) {
  const Config config = ok({"--other-relays", "198.18.9.9"}, {{"OTHER_RELAYS", "198.18.2.2"}});
  EXPECT_EQ(config.other_relays, (std::vector<std::string>{"198.18.9.9"}));
}

TEST_F(ConfigTest, OtherRelaysTakeIpv6AddressesBareOrBracketed) {
  const Config config = ok({"--other-relays", "2001:db8:2::2,[2001:db8:3::2]", "198.18.4.2"});
  EXPECT_EQ(config.other_relays,
            (std::vector<std::string>{"2001:db8:2::2", "2001:db8:3::2", "198.18.4.2"}));
  const Config env = ok({}, {{"OTHER_RELAYS", "[2001:db8:2::2] relay-c"}});
  EXPECT_EQ(env.other_relays, (std::vector<std::string>{"2001:db8:2::2", "relay-c"}));
}

TEST_F(ConfigTest, RejectsBadPeerAddressesWithTheirSource) {
  expect_error({"--other-relays", "2001:db8::zz"}, {}, "--other-relays: '2001:db8::zz'");
  expect_error({}, {{"OTHER_RELAYS", "198.18.2.300"}}, "OTHER_RELAYS: '198.18.2.300'");
  expect_error({"--other-relays", "[2001:db8::2"}, {}, "'[2001:db8::2'");
  expect_error({}, {{"OTHER_RELAYS", "[198.18.2.2]"}}, "'[198.18.2.2]'");
  // A port does not belong here: the mesh port is --mesh-port, the same for every peer.
  expect_error({"--other-relays", "[2001:db8::2]:7124"}, {}, "--mesh-port");
  expect_error({"--other-relays", "198.18.2.2:7124"}, {}, "--mesh-port");
  // Link-local needs a zone (interface), which the mesh does not keep.
  expect_error({"--other-relays", "fe80::1"}, {}, "link-local");
}

TEST_F(ConfigTest, ServiceNameComesFromEnvironment) {
  EXPECT_EQ(ok({}, {{"SERVICENAME", "snowsignal"}}).service_name, "snowsignal");
}

TEST_F(ConfigTest, CaptureRingAndMeshBufferHaveDefaultsFlagsAndEnvironment) {
  const Config defaults = ok({});
  EXPECT_EQ(defaults.capture_ring_frames, 8192u);
  EXPECT_EQ(defaults.mesh_socket_buffer, 8u * 1024 * 1024);
  const Config env = ok({}, {{"CAPTURE_RING_FRAMES", "64"}, {"MESH_SOCKET_BUFFER", "65536"}});
  EXPECT_EQ(env.capture_ring_frames, 64u);
  EXPECT_EQ(env.mesh_socket_buffer, 65536u);
  const Config flags = ok({"--capture-ring-frames", "16", "--mesh-socket-buffer", "4096"},
                          {{"CAPTURE_RING_FRAMES", "64"}});
  EXPECT_EQ(flags.capture_ring_frames, 16u);
  EXPECT_EQ(flags.mesh_socket_buffer, 4096u);
}

TEST_F(ConfigTest, RejectsCaptureRingAndMeshBufferOutsideTheirRanges) {
  expect_error({"--capture-ring-frames", "15"}, {}, "--capture-ring-frames");
  expect_error({"--capture-ring-frames", "262145"}, {}, "--capture-ring-frames");
  expect_error({}, {{"CAPTURE_RING_FRAMES", "many"}}, "CAPTURE_RING_FRAMES");
  expect_error({"--mesh-socket-buffer", "4095"}, {}, "--mesh-socket-buffer");
  expect_error({}, {{"MESH_SOCKET_BUFFER", "1e9"}}, "MESH_SOCKET_BUFFER");
}

TEST_F(ConfigTest, CaptureRingMemoryIsBoundedByDefaultAndSetByFlagOrEnvironment) {
  EXPECT_EQ(ok({}).capture_ring_memory, std::size_t{32} << 20);
  EXPECT_EQ(ok({"--capture-ring-memory", "134217728"}).capture_ring_memory, 134217728u);
  EXPECT_EQ(ok({}, {{"CAPTURE_RING_MEMORY", "8388608"}}).capture_ring_memory, 8388608u);
  expect_error({"--capture-ring-memory", "1048575"}, {}, "--capture-ring-memory");
  expect_error({}, {{"CAPTURE_RING_MEMORY", "lots"}}, "CAPTURE_RING_MEMORY");
}

TEST_F(ConfigTest, HelpNamesEveryEnvironmentVariableAndDefault) {
  const ConfigOutcome outcome = parse({"--help"});
  EXPECT_FALSE(outcome.config);
  EXPECT_EQ(outcome.exit_code, 0);
  for (const char* text : {"TARGET_INTERFACE",
                           "default eth0",
                           "BDCAST_PORT",
                           "default 5076",
                           "MESH_PORT",
                           "default 7124",
                           "OTHER_RELAYS",
                           "LOGLEVEL",
                           "default info",
                           "SERVICENAME",
                           "--stats-interval",
                           "--stats-file",
                           "--dedup-window-ms",
                           "default 500",
                           "--version",
                           "CAPTURE_RING_FRAMES",
                           "default 8192",
                           "MESH_SOCKET_BUFFER",
                           "default 8388608",
                           "--metrics-address",
                           "METRICS_ADDRESS",
                           "--health-check",
                           "--multicast",
                           "MULTICAST",
                           "GROUP:PORT",
                           "5076,5064,5065",
                           "IPv6",
                           "AAAA",
                           "20 less while a peer is IPv6"}) {
    EXPECT_THAT(outcome.message, HasSubstr(text));
  }
}

TEST_F(ConfigTest, VersionPrintsVersionAndExitsZero) {
  const ConfigOutcome outcome = parse({"--version"});
  EXPECT_FALSE(outcome.config);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_THAT(outcome.message, HasSubstr("snowsignal 0."));
}

TEST_F(ConfigTest, RejectsEqualBroadcastAndMeshPorts) {
  expect_error({"-b", "7124"}, {}, "--mesh-port");
  expect_error({}, {{"MESH_PORT", "5076"}}, "BDCAST_PORT");
  expect_error({"-b", "5076,7124"}, {}, "--broadcast-port: port 7124 is also the mesh port");
  expect_error({}, {{"BDCAST_PORT", "5064,7000"}, {"MESH_PORT", "7000"}}, "BDCAST_PORT: port 7000");
}

TEST_F(ConfigTest, BroadcastPortsTakeRepeatedFlagsAndCommaLists) {
  const std::vector<std::uint16_t> pva_and_ca{5064, 5065, 5076};
  EXPECT_EQ(ok({"-b", "5076", "-b", "5064", "--broadcast-port", "5065"}).traffic.broadcast_ports,
            pva_and_ca);
  EXPECT_EQ(ok({"-b", "5076,5064,5065,5076"}).traffic.broadcast_ports, pva_and_ca);
  EXPECT_EQ(ok({}, {{"BDCAST_PORT", "5076,5064, 5065"}}).traffic.broadcast_ports, pva_and_ca);
  EXPECT_EQ(ok({"-b", "5064"}, {{"BDCAST_PORT", "5076"}}).traffic.broadcast_ports,
            (std::vector<std::uint16_t>{5064}));
  expect_error({"-b", "5076,abc"}, {}, "--broadcast-port: 'abc' is not a port number");
  expect_error({}, {{"BDCAST_PORT", "5076,0"}}, "BDCAST_PORT: '0'");
}

TEST_F(ConfigTest, NoMulticastGroupsByDefault) {
  EXPECT_TRUE(ok({}).traffic.multicast_groups.empty());
}

TEST_F(ConfigTest, MulticastGroupsFromRepeatedFlagsCommaListsOrEnvironment) {
  const std::vector<MulticastGroup> groups{{addr("239.74.163.2"), 43113},
                                           {addr("239.255.0.1"), 5000}};
  EXPECT_EQ(ok({"--multicast", "239.255.0.1:5000", "--multicast", "239.74.163.2:43113"})
                .traffic.multicast_groups,
            groups);
  EXPECT_EQ(ok({"--multicast", "239.74.163.2:43113,239.255.0.1:5000"}).traffic.multicast_groups,
            groups);
  EXPECT_EQ(ok({}, {{"MULTICAST", "239.255.0.1:5000,239.74.163.2:43113"}}).traffic.multicast_groups,
            groups);
  // The broadcast default stays alongside.
  EXPECT_EQ(ok({"--multicast", "239.74.163.2:43113"}).traffic.broadcast_ports,
            (std::vector<std::uint16_t>{5076}));
}

TEST_F(ConfigTest, RejectsBadMulticastGroupsNamingFlagOrEnvironment) {
  expect_error({"--multicast", "239.74.163.2"}, {}, "--multicast: '239.74.163.2'");
  expect_error({"--multicast", "198.18.1.255:5076"}, {}, "is not a multicast group");
  expect_error({"--multicast", "239.1.2:5"}, {}, "is not an IPv4 address");
  expect_error({"--multicast", "239.1.2.3:0"}, {}, "--multicast");
  expect_error({}, {{"MULTICAST", "239.1.2.3:x"}}, "MULTICAST: '239.1.2.3:x'");
  expect_error({"--multicast", "239.1.2.3:7124"}, {}, "also the mesh port");
  expect_error({"--multicast", "ff15::1:43113"}, {}, "an IPv6 group goes in brackets");
}

TEST_F(ConfigTest, Ipv6GroupsInBracketsThroughTheSameOptionAndEnvironment) {
  const MulticastGroup can{addr("ff15:7079:7468:6f6e:6465:6d6f:6d63:6173"), 43113};
  EXPECT_EQ(ok({"--multicast", "[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113"})
                .traffic.multicast_groups,
            std::vector<MulticastGroup>{can});
  const std::vector<MulticastGroup> both{{addr("239.74.163.2"), 43113}, can};
  EXPECT_EQ(
      ok({"--multicast", "[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113,239.74.163.2:43113"})
          .traffic.multicast_groups,
      both);
  EXPECT_EQ(
      ok({}, {{"MULTICAST", "239.74.163.2:43113,[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113"}})
          .traffic.multicast_groups,
      both);
  EXPECT_EQ(ok({"--multicast", "[ff02::fb]:5353"}).traffic.multicast_groups.size(), 1u);
}

TEST_F(ConfigTest, RejectsBadIpv6GroupsSayingWhy) {
  expect_error({"--multicast", "[ff15::1]"}, {}, "--multicast: '[ff15::1]' (expected");
  expect_error({"--multicast", "[ff15::1:43113"}, {}, "(expected GROUP:PORT or [GROUP]:PORT");
  expect_error({"--multicast", "[ff15::zz]:43113"}, {}, "'ff15::zz' is not an IPv6 address");
  expect_error({"--multicast", "[239.1.2.3]:43113"}, {}, "is not an IPv6 address");
  expect_error({"--multicast", "[ff15::1]:0"}, {}, "--multicast");
  expect_error({"--multicast", "[ff15::1]:7124"}, {}, "also the mesh port");
  expect_error({"--multicast", "[2001:db8::1]:43113"}, {},
               "2001:db8::1 cannot be relayed: it is not an IPv6 multicast group");
  expect_error({"--multicast", "[ff01::1234]:43113"}, {}, "interface-local");
  expect_error({"--multicast", "[ff02::1]:43113"}, {},
               "ff02::1 cannot be relayed: it is the all-nodes group");
  expect_error({}, {{"MULTICAST", "[ff02::16]:43113"}},
               "MULTICAST: '[ff02::16]:43113': ff02::16 cannot be relayed: it is the MLDv2");
  expect_error({"--multicast", "[ff02::1:ff00:1]:5"}, {}, "solicited-node");
}

TEST_F(ConfigTest, WideIpv6ScopesNeedTheOptIn) {
  expect_error({"--multicast", "[ff0e::1234]:43113"}, {}, "pass --multicast-wide-scope");
  expect_error({"--multicast", "[ff08::1234]:43113"}, {}, "organisation-local, 8");
  EXPECT_EQ(ok({"--multicast", "[ff0e::1234]:43113", "--multicast-wide-scope"})
                .traffic.multicast_groups.size(),
            1u);
  EXPECT_EQ(ok({"--multicast", "[ff0e::1234]:43113"}, {{"MULTICAST_WIDE_SCOPE", "1"}})
                .traffic.multicast_groups.size(),
            1u);
  expect_error({"--multicast", "[ff02::2]:43113", "--multicast-wide-scope"}, {}, "all-routers");
}

TEST_F(ConfigTest, RejectsPortsOutsideRange) {
  expect_error({"-b", "0"}, {}, "--broadcast-port");
  expect_error({"-m", "65536"}, {}, "--mesh-port");
  expect_error({}, {{"BDCAST_PORT", "70000"}}, "BDCAST_PORT");
  expect_error({"-b", "-5"}, {}, "--broadcast-port");
}

TEST_F(ConfigTest, RejectsNonNumericValues) {
  expect_error({"-m", "seven"}, {}, "--mesh-port");
  expect_error({}, {{"MESH_PORT", "71 24"}}, "MESH_PORT");
  expect_error({"--stats-interval", "soon"}, {}, "--stats-interval");
  expect_error({"--dedup-window-ms", "1.5"}, {}, "--dedup-window-ms");
  expect_error({}, {{"DEDUP_WINDOW_MS", "x"}}, "DEDUP_WINDOW_MS");
}

TEST_F(ConfigTest, RejectsUnknownInterfaceNamingFlagOrEnvironment) {
  expect_error({"-t", "nope0"}, {}, "--target-interface: no network interface named 'nope0'");
  expect_error({}, {{"TARGET_INTERFACE", "nope0"}}, "TARGET_INTERFACE");
}

TEST_F(ConfigTest, RejectsMissingDefaultInterface) {
  ON_CALL(interfaces_, find("eth0")).WillByDefault(Return(std::nullopt));
  expect_error({}, {}, "--target-interface");
}

TEST_F(ConfigTest, RejectsInterfaceWithoutIpv4WhenNothingConfiguredCouldBeRelayedThere) {
  expect_error({"-t", "noip0"}, {}, "has no IPv4 address, and no IPv6 group is configured");
  expect_error({"-t", "noip0", "--multicast", "239.74.163.2:43113"}, {},
               "has no IPv4 address, and no IPv6 group");
}

TEST_F(ConfigTest, AnInterfaceWithoutIpv4RelaysTheIpv6GroupsAndNamesWhatItLeavesOut) {
  const Config c =
      ok({"-t", "noip0", "--multicast", "[ff15::1]:43113,239.74.163.2:43113", "-b", "5076,5064"});
  EXPECT_TRUE(c.traffic.broadcast_ports.empty());
  ASSERT_EQ(c.traffic.multicast_groups.size(), 1u);
  EXPECT_FALSE(c.traffic.multicast_groups[0].group.is_v4());
  EXPECT_EQ(c.ipv4_not_relayed, "IPv4 broadcast ports 5064,5076, 239.74.163.2:43113");
  // With IPv4 nothing is left out.
  EXPECT_EQ(ok({"--multicast", "[ff15::1]:43113"}).ipv4_not_relayed, "");
}

TEST_F(ConfigTest, RejectsBadLogLevel) {
  expect_error({"-l", "verbose"}, {}, "--log-level");
  expect_error({}, {{"LOGLEVEL", "loud"}}, "LOGLEVEL");
}

TEST_F(ConfigTest, RejectsUnknownOptionAndMissingValue) {
  expect_error({"--frobnicate"}, {}, "--frobnicate");
  expect_error({"-b"}, {}, "-b");
}

// --metrics-address / METRICS_ADDRESS (issue 11): off by default, flag > env.
TEST_F(ConfigTest, MetricsAddressIsOffByDefaultAndComesFromFlagOrEnvironment) {
  EXPECT_FALSE(ok({}).metrics_address);
  const Config from_env = ok({}, {{"METRICS_ADDRESS", "0.0.0.0:9124"}});
  ASSERT_TRUE(from_env.metrics_address);
  EXPECT_EQ(from_env.metrics_address->to_string(), "0.0.0.0:9124");
  const Config from_flag =
      ok({"--metrics-address", "198.18.1.2:9200"}, {{"METRICS_ADDRESS", "0.0.0.0:9124"}});
  ASSERT_TRUE(from_flag.metrics_address);
  EXPECT_EQ(from_flag.metrics_address->address, ip("198.18.1.2"));
  EXPECT_EQ(from_flag.metrics_address->port, 9200);
}

TEST_F(ConfigTest, RejectsABadMetricsAddressNamingItsSource) {
  expect_error({"--metrics-address", "9124"}, {}, "--metrics-address: '9124' is not ADDR:PORT");
  expect_error({"--metrics-address", "host.example:9124"}, {}, "--metrics-address");
  expect_error({}, {{"METRICS_ADDRESS", "0.0.0.0:0"}}, "METRICS_ADDRESS");
  expect_error({}, {{"METRICS_ADDRESS", "0.0.0.0:http"}}, "METRICS_ADDRESS");
}

TEST_F(ConfigTest, HealthCheckProbesTheGivenAddressOrMetricsAddress) {
  const ConfigOutcome given = parse({"--health-check", "198.18.1.2:9124"});
  EXPECT_FALSE(given.config);
  ASSERT_TRUE(given.health_check);
  EXPECT_EQ(given.health_check->to_string(), "198.18.1.2:9124");
  // 0.0.0.0 (listen everywhere) is probed on loopback.
  const ConfigOutcome from_env = parse({"--health-check"}, {{"METRICS_ADDRESS", "0.0.0.0:9124"}});
  ASSERT_TRUE(from_env.health_check);
  EXPECT_EQ(from_env.health_check->to_string(), "127.0.0.1:9124");
  // It needs no interface: the probe runs beside the relay, not instead of it.
  ON_CALL(interfaces_, find("eth0")).WillByDefault(Return(std::nullopt));
  EXPECT_TRUE(parse({"--health-check", "127.0.0.1:9124"}).health_check);
}

TEST_F(ConfigTest, HealthCheckWithoutAnyAddressIsAnError) {
  expect_error({"--health-check"}, {}, "METRICS_ADDRESS is unset");
  EXPECT_FALSE(parse({"--health-check"}).health_check);
}

}  // namespace
}  // namespace snowsignal::testing

namespace snowsignal::testing {
namespace {

class StatusConfigTest : public ::testing::Test {
 protected:
  StatusConfigTest() {
    InterfaceInfo eth0;
    eth0.name = "eth0";
    eth0.ipv4 = Ipv4Address{0xC6120102};
    ON_CALL(interfaces_, find).WillByDefault(Return(std::nullopt));
    ON_CALL(interfaces_, find("eth0")).WillByDefault(Return(eth0));
  }
  ConfigOutcome parse(std::vector<std::string> args, Environment env = {}) {
    return parse_config(std::move(args), env, interfaces_);
  }
  ::testing::NiceMock<MockInterfaceLookup> interfaces_;
};

TEST_F(StatusConfigTest, TheRelayServesItsStatusUnderRunSnowsignalOrSystemdsRuntimeDirectory) {
  EXPECT_EQ(parse({}).config->status_socket, "/run/snowsignal/status.sock");
  EXPECT_EQ(parse({}, {{"RUNTIME_DIRECTORY", "/run/snowsignal:/run/other"}}).config->status_socket,
            "/run/snowsignal/status.sock");
  EXPECT_EQ(parse({}, {{"RUNTIME_DIRECTORY", "/run/elsewhere"}}).config->status_socket,
            "/run/elsewhere/status.sock");
  EXPECT_EQ(parse({"--status-socket", "/tmp/a.sock"}).config->status_socket, "/tmp/a.sock");
  EXPECT_EQ(parse({}, {{"STATUS_SOCKET", "/tmp/b.sock"}}).config->status_socket, "/tmp/b.sock");
  EXPECT_FALSE(parse({"--status-socket", "none"}).config->status_socket);
}

TEST_F(StatusConfigTest, StatusAsksTheSocketTheRelayWouldServeAndRunsNoRelay) {
  const ConfigOutcome plain = parse({"status"});
  EXPECT_FALSE(plain.config);
  ASSERT_TRUE(plain.status);
  EXPECT_EQ(plain.status->socket, "/run/snowsignal/status.sock");
  EXPECT_FALSE(plain.status->json);
  const ConfigOutcome json = parse({"status", "--json", "--status-socket", "/tmp/x.sock"});
  ASSERT_TRUE(json.status);
  EXPECT_EQ(json.status->socket, "/tmp/x.sock");
  EXPECT_TRUE(json.status->json);
  const ConfigOutcome env = parse({"status"}, {{"STATUS_SOCKET", "/tmp/y.sock"}});
  ASSERT_TRUE(env.status);
  EXPECT_EQ(env.status->socket, "/tmp/y.sock");
  const ConfigOutcome help = parse({"status", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.message, HasSubstr("--json"));
  EXPECT_EQ(parse({"status", "--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace snowsignal::testing
