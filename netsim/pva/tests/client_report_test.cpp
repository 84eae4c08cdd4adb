#include "client_report.h"

#include <gtest/gtest.h>

namespace pva::client {
namespace {

ClientReport sample() {
  ClientReport r;
  PvResult found{"test:pv",        true,  net::Endpoint{{198, 18, 2, 10}, 5075},
                 Guid{0xf8, 0xa6}, 0.125, true};
  r.pvs = {found, PvResult{"missing", false, {}, {}, {}, false}};
  r.sent_payloads = {{53, 0xaf63dc4c8601ec8cull}};
  r.datagrams_sent = 1;
  return r;
}

TEST(ClientReport, JsonFollowsTheDocumentedContract) {
  const auto j = to_json(sample());
  EXPECT_EQ(j["all_found"], false);
  EXPECT_EQ(j["datagrams_sent"], 1);
  ASSERT_EQ(j["pvs"].size(), 2u);
  EXPECT_EQ(j["pvs"][0]["name"], "test:pv");
  EXPECT_EQ(j["pvs"][0]["found"], true);
  EXPECT_EQ(j["pvs"][0]["server"], "198.18.2.10:5075");
  EXPECT_EQ(j["pvs"][0]["guid"], "f8a600000000000000000000");
  EXPECT_DOUBLE_EQ(j["pvs"][0]["seconds"].get<double>(), 0.125);
  EXPECT_EQ(j["pvs"][0]["tcp_validated"], true);
  EXPECT_TRUE(j["pvs"][1]["server"].is_null());
  EXPECT_TRUE(j["pvs"][1]["guid"].is_null());
  EXPECT_TRUE(j["pvs"][1]["seconds"].is_null());
  EXPECT_EQ(j["sent_payloads"][0]["bytes"], 53);
  EXPECT_EQ(j["sent_payloads"][0]["fnv1a64"], "af63dc4c8601ec8c");
}

TEST(ClientReport, ExitCodeIsZeroOnlyWhenAllFoundAndValidatedWhenConnecting) {
  auto r = sample();
  EXPECT_EQ(exit_code(r, true), 1);
  r.pvs.pop_back();
  EXPECT_EQ(exit_code(r, true), 0);
  r.pvs[0].tcp_validated = false;
  EXPECT_EQ(exit_code(r, true), 1);
  EXPECT_EQ(exit_code(r, false), 0);  // --no-connect: discovery is enough
}

TEST(ClientReport, TextNamesEachPvAndItsServer) {
  const auto t = to_text(sample(), true);
  EXPECT_NE(t.find("test:pv: found at 198.18.2.10:5075"), std::string::npos);
  EXPECT_NE(t.find("missing: NOT FOUND"), std::string::npos);
}

}  // namespace
}  // namespace pva::client
