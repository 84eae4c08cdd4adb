// The mesh key file's text: ids, hex, lengths, two keys for a rotation.
#include "mesh_keys.h"

#include <gtest/gtest.h>

#include <string>

namespace snowsignal::testing {
namespace {

const std::string kHex32(64, 'a');

TEST(MeshKeys, ParsesOneKeyWithCommentsAndBlankLines) {
  const auto out = parse_mesh_keys("# fleet key\n\n  7 " + kHex32 + "  \n");
  ASSERT_EQ(out.error, "");
  ASSERT_EQ(out.keys.size(), 1u);
  EXPECT_EQ(out.keys[0].id, 7);
  EXPECT_EQ(out.keys[0].secret, std::vector<Byte>(32, 0xAA));
}

TEST(MeshKeys, TwoKeysKeepFileOrderSoTheFirstSigns) {
  const auto out = parse_mesh_keys("2 " + std::string(64, 'B') + "\n1\t" + kHex32);
  ASSERT_EQ(out.error, "");
  ASSERT_EQ(out.keys.size(), 2u);
  EXPECT_EQ(out.keys[0].id, 2);
  EXPECT_EQ(out.keys[0].secret[0], 0xBB);
  EXPECT_EQ(out.keys[1].id, 1);
}

TEST(MeshKeys, RefusesEveryMalformedFileWithOneLineNamingTheLine) {
  const std::string short_key(62, 'a');
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"", "no key in the file"},
      {"# only a comment\n", "no key in the file"},
      {"1 " + short_key, "line 1: key is too short: 31 bytes, at least 32 (64 hex digits)"},
      {"1 " + std::string(130, 'a'), "line 1: key is too long: at most 64 bytes"},
      {kHex32, "line 1: expected '<key id> <key in hex>'"},
      {"256 " + kHex32, "line 1: key id is not a number 0..255"},
      {"x " + kHex32, "line 1: key id is not a number 0..255"},
      {"1 " + std::string(63, 'a'), "line 1: key is not hex (odd number of digits)"},
      {"1 " + std::string(62, 'a') + "zz", "line 1: key is not hex"},
      {"1 " + kHex32 + "\n1 " + kHex32, "line 2: key id 1 appears twice"},
      {"1 " + kHex32 + "\n2 " + kHex32 + "\n3 " + kHex32, "line 3: more than 2 keys"},
  };
  for (const auto& c : cases) {
    const auto out = parse_mesh_keys(c.text);
    EXPECT_EQ(out.error, c.error) << c.text;
    EXPECT_TRUE(out.keys.empty());
    EXPECT_EQ(out.error.find("aaaa"), std::string::npos) << "never quote key material";
  }
}

}  // namespace
}  // namespace snowsignal::testing
