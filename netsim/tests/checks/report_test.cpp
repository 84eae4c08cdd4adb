#include "netsim/report.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

CheckResult result(Verdict v) {
  CheckResult r;
  r.kind = "log";
  r.description = "log p contains \"x\"";
  r.verdict = v;
  r.measured = "1 occurrence(s)";
  return r;
}

TEST(Report, ExitCodeIsZeroOnlyWhenEverythingPassed) {
  Report r;
  r.results = {result(Verdict::pass)};
  EXPECT_EQ(r.exit_code(), 0);
  r.results.push_back(result(Verdict::not_run));
  EXPECT_EQ(r.exit_code(), 1) << "an expectation that was never measured cannot pass";
  r.results = {result(Verdict::pass)};
  r.events.push_back(TimelineEntry{1, 1, "loss", false, "nft failed"});
  EXPECT_EQ(r.exit_code(), 1) << "a fault that did not happen means the scenario did not run";
  r.interrupted = true;
  EXPECT_EQ(r.exit_code(), 130);
}

TEST(Report, TextHasOneLinePerExpectationWithItsFigureAndTheLogsDir) {
  Report r;
  r.scenario = "s";
  r.logs_dir = "/tmp/netsim-s-1";
  r.results = {result(Verdict::pass), result(Verdict::fail)};
  std::string text = render_text(r);
  EXPECT_NE(text.find("PASS    log p contains \"x\": 1 occurrence(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL    log p"), std::string::npos) << text;
  EXPECT_NE(text.find("logs: /tmp/netsim-s-1"), std::string::npos);
  EXPECT_NE(text.find("result: 1 passed, 1 failed: FAIL"), std::string::npos) << text;
}

TEST(Report, JsonCarriesVerdictsFiguresAndNamespaceInodes) {
  Report r;
  r.results = {result(Verdict::pass)};
  r.world_netns = 42;
  r.host_netns["a"] = 43;
  auto j = to_json(r);
  EXPECT_EQ(j["expectations"][0]["verdict"], "PASS");
  EXPECT_EQ(j["expectations"][0]["pass"], true);
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["namespaces"]["world_netns_inode"], 42);
  EXPECT_EQ(j["namespaces"]["host_netns_inodes"]["a"], 43);
}

}  // namespace
}  // namespace netsim
