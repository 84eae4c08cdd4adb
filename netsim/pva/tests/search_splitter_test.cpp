// Splitting PV lists into SEARCH datagrams, and the payload fingerprint.
#include "pva/search_splitter.h"

#include <gtest/gtest.h>

#include <map>

#include "pva/codec.h"
#include "pva/fnv1a.h"

namespace pva {
namespace {

std::vector<SearchChannel> channels(std::size_t n, std::size_t name_len) {
  std::vector<SearchChannel> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string name = "pv" + std::to_string(i) + ":";
    name.resize(std::max(name.size(), name_len), 'x');
    out.push_back({static_cast<std::uint32_t>(i + 1), name});
  }
  return out;
}

TEST(SearchSplitter, NoDatagramExceedsTheLimitAndEveryNameAppearsOnceInOrder) {
  for (std::size_t limit : {100u, 300u, 1337u, 9000u}) {
    for (std::size_t len : {1u, 20u, 60u, 300u}) {
      const auto in = channels(57, len);
      const auto out = split_search(Search{}, in, limit);
      if (kHeaderSize + 33 + 4 + encoded_size_length(len) + len > limit) {
        EXPECT_FALSE(out.has_value());
        continue;
      }
      ASSERT_TRUE(out.has_value()) << limit << "/" << len;
      std::vector<SearchChannel> seen;
      for (const auto& s : *out) {
        EXPECT_LE(encode_search(s).size(), limit);
        EXPECT_FALSE(s.channels.empty());
        seen.insert(seen.end(), s.channels.begin(), s.channels.end());
      }
      EXPECT_EQ(seen, in);
    }
  }
}

TEST(SearchSplitter, FillsEachDatagramBeforeStartingTheNext) {
  const auto out = split_search(Search{}, channels(10, 50), 200);
  ASSERT_TRUE(out.has_value());
  for (std::size_t i = 0; i + 1 < out->size(); ++i) {
    auto s = (*out)[i];
    s.channels.push_back((*out)[i + 1].channels.front());
    EXPECT_GT(encode_search(s).size(), 200u);  // the next channel would not have fit
  }
}

TEST(SearchSplitter, ExactFitIsAllowed) {
  Search base;
  const auto in = channels(1, 10);
  Search one = base;
  one.channels = in;
  const auto exact = encode_search(one).size();
  EXPECT_TRUE(split_search(base, in, exact).has_value());
  EXPECT_FALSE(split_search(base, in, exact - 1).has_value());
}

TEST(SearchSplitter, NoChannelsGivesNoDatagrams) {
  const auto out = split_search(Search{}, {}, 1337);
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->empty());
}

TEST(SearchSplitter, KeepsTheBaseFieldsInEveryDatagram) {
  Search base;
  base.sequence_id = 77;
  base.response_port = 4242;
  base.flags = search_flag::kUnicast;
  const auto out = split_search(base, channels(30, 40), 300);
  ASSERT_TRUE(out.has_value());
  ASSERT_GT(out->size(), 1u);
  for (const auto& s : *out) {
    EXPECT_EQ(s.sequence_id, 77u);
    EXPECT_EQ(s.response_port, 4242);
    EXPECT_EQ(s.flags, search_flag::kUnicast);
  }
}

TEST(Fnv1a64, MatchesReferenceVectors) {
  // From the FNV reference test suite.
  EXPECT_EQ(fnv1a64({}), 0xcbf29ce484222325ull);
  const std::string a = "a", foobar = "foobar";
  EXPECT_EQ(fnv1a64({reinterpret_cast<const std::uint8_t*>(a.data()), a.size()}),
            0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64({reinterpret_cast<const std::uint8_t*>(foobar.data()), foobar.size()}),
            0x85944171f73967e8ull);
  EXPECT_EQ(hex64(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
  EXPECT_EQ(hex64(1), "0000000000000001");
}

}  // namespace
}  // namespace pva
