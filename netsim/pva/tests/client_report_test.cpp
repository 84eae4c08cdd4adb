#include "client_report.h"

#include <gtest/gtest.h>

namespace pva::client {
namespace {

ClientReport sample() {
  ClientReport r;
  PvResult found;
  found.name = "test:pv";
  found.found = true;
  found.server = net::Endpoint{{198, 18, 2, 10}, 5075};
  found.guid = Guid{0xf8, 0xa6};
  found.seconds = 0.125;
  found.tcp_validated = true;
  PvResult missing;
  missing.name = "missing";
  r.pvs = {found, missing};
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

TEST(ClientReport, WithAnOperationJsonCarriesValueErrorAndMonitorCounts) {
  auto r = sample();
  r.op = Operation::kMonitor;
  r.pvs[0].value = 42;
  r.pvs[0].updates = 5;
  r.pvs[0].reconnects = 1;
  r.pvs[0].updates_since_reconnect = 2;
  r.pvs[1].error = "no such PV: missing";
  const auto j = to_json(r);
  EXPECT_EQ(j["pvs"][0]["value"], 42.0);
  EXPECT_TRUE(j["pvs"][0]["error"].is_null());
  EXPECT_EQ(j["pvs"][0]["updates"], 5);
  EXPECT_EQ(j["pvs"][0]["reconnects"], 1);
  EXPECT_EQ(j["pvs"][0]["updates_since_reconnect"], 2);
  EXPECT_TRUE(j["pvs"][1]["value"].is_null());
  EXPECT_EQ(j["pvs"][1]["error"], "no such PV: missing");
  // Without an operation the discovery-only contract is unchanged.
  EXPECT_FALSE(to_json(sample())["pvs"][0].contains("value"));
}

TEST(ClientReport, ExitCodeWithAnOperationNeedsAValueOrAFreshUpdate) {
  auto r = sample();
  r.pvs.pop_back();
  r.op = Operation::kGet;
  EXPECT_EQ(exit_code(r, true), 1);  // found and validated, but no value
  r.pvs[0].value = 42;
  EXPECT_EQ(exit_code(r, true), 0);
  r.pvs[0].error = "type mismatch";
  EXPECT_EQ(exit_code(r, true), 1);
  r.op = Operation::kMonitor;
  r.pvs[0].error.clear();
  r.pvs[0].updates = 3;  // all before the server went away
  EXPECT_EQ(exit_code(r, true), 1);
  r.pvs[0].updates_since_reconnect = 1;
  EXPECT_EQ(exit_code(r, true), 0);
}

}  // namespace
}  // namespace pva::client
