#include "udp/address_guard.h"

#include <gtest/gtest.h>

namespace udp {
namespace {

std::string refusal(const std::string& text) {
  auto p = parse_endpoint(text);
  EXPECT_EQ(p.error, "") << text;
  return destination_refusal(p.endpoint);
}

TEST(AddressGuard, AllowsTheTestSpaceLoopbackMulticastAndLimitedBroadcast) {
  for (const char* ok :
       {"198.18.0.1:1", "198.19.255.255:5076", "127.0.0.1:9", "224.0.0.1:5076", "239.255.0.1:5076",
        "255.255.255.255:5076", "[2001:db8::1]:5076", "[::1]:5076", "[fe80::1]:5076",
        "[ff02::1]:5076", "[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:1", "[febf::1]:1",
        "[ff15:7079:7468:6f6e:6465:6d6f:6d63:6173]:43113", "[ff05::2]:26000"})
    EXPECT_EQ(refusal(ok), "") << ok;
}

TEST(AddressGuard, RefusesEverythingElse) {
  for (const char* bad :
       {"198.17.255.255:1", "198.20.0.1:1", "10.0.0.1:1", "8.8.8.8:53", "192.168.1.255:5076",
        "0.0.0.0:1", "240.0.0.1:1", "[2001:db9::1]:1", "[::ffff:8.8.8.8]:53",
        "[2606:4700::1111]:53", "[2001:db7:ffff::1]:1", "[2001:db9::]:1", "[fec0::1]:1",
        "[fd00::1]:1", "[::]:1", "[::2]:1", "[::ffff:198.18.1.1]:1", "[64:ff9b::c612:101]:1"})
    EXPECT_NE(refusal(bad), "") << bad;
}

TEST(AddressGuard, ParsesPortsAndRefusesNamesAndBadPorts) {
  auto p = parse_endpoint("198.18.1.2:5076");
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.endpoint.port(), 5076);
  EXPECT_EQ(p.endpoint.str(), "198.18.1.2:5076");
  EXPECT_EQ(parse_endpoint("[2001:db8::5]:7").endpoint.str(), "[2001:db8::5]:7");
  EXPECT_NE(parse_endpoint("localhost:53").error, "");  // never a name lookup
  EXPECT_NE(parse_endpoint("198.18.1.2").error, "");
  EXPECT_NE(parse_endpoint("198.18.1.2:0").error, "");
  EXPECT_NE(parse_endpoint("198.18.1.2:65536").error, "");
  EXPECT_NE(parse_endpoint("198.18.1.2:12x").error, "");
  EXPECT_NE(parse_endpoint("[2001:db8::1").error, "");
  EXPECT_EQ(parse_endpoint("239.1.2.3", false).error, "");
}

TEST(AddressGuard, KnowsMulticast) {
  EXPECT_TRUE(parse_endpoint("239.1.2.3:1").endpoint.is_multicast());
  EXPECT_TRUE(parse_endpoint("[ff05::1]:1").endpoint.is_multicast());
  EXPECT_FALSE(parse_endpoint("198.18.1.255:1").endpoint.is_multicast());
}

}  // namespace
}  // namespace udp
