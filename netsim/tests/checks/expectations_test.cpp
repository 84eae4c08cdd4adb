#include "netsim/expectations.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

Expectation discover(std::vector<std::string> pvs, double within = 5) {
  Expectation x;
  x.kind = ExpectKind::discover;
  x.pvs = std::move(pvs);
  x.client = "client";
  x.server = "server";
  x.within = within;
  return x;
}

ClientOutcome client(const std::string& json, int status = 0) {
  ClientOutcome o;
  o.exit_status = status;
  o.stdout_text = json;
  return o;
}

const char* kFound =
    R"({"all_found":true,"pvs":[{"name":"P","found":true,"server":"198.18.2.10:5075",
"guid":"ab","seconds":0.25,"tcp_validated":true}],"sent_payloads":[{"bytes":1337,"fnv1a64":"x"}],"datagrams_sent":3})";

const std::vector<Ipv4> kServer{*parse_ipv4("198.18.2.10")};

TEST(CheckDiscover, PassesWhenFoundValidatedInTimeFromTheRightServer) {
  CheckResult r = check_discover(discover({"P"}), client(kFound), kServer);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.measured;
  EXPECT_EQ(r.figures["found"], 1);
  EXPECT_EQ(r.figures["slowest_seconds"], 0.25);
  EXPECT_EQ(r.figures["largest_payload"], 1337);
  EXPECT_NE(r.measured.find("1/1 found in 0.25s via 198.18.2.10:5075"), std::string::npos)
      << r.measured;
}

TEST(CheckDiscover, FailsWhenAnsweredByAnotherServer) {
  CheckResult r = check_discover(discover({"P"}), client(kFound), {*parse_ipv4("198.18.3.10")});
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("answered by 198.18.2.10:5075"), std::string::npos) << r.measured;
}

TEST(CheckDiscover, FailsWhenSlowerThanWithin) {
  EXPECT_EQ(check_discover(discover({"P"}, 0.1), client(kFound), kServer).verdict, Verdict::fail);
}

TEST(CheckDiscover, FailsWithoutTcpValidation) {
  std::string json = kFound;
  json.replace(json.find("\"tcp_validated\":true"), 20, "\"tcp_validated\":false");
  CheckResult r = check_discover(discover({"P"}), client(json, 1), kServer);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("not validated"), std::string::npos) << r.measured;
}

TEST(CheckDiscover, FailsWhenAPvIsMissing) {
  CheckResult r = check_discover(discover({"P", "Q"}), client(kFound, 1), kServer);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("1/2 found"), std::string::npos) << r.measured;
}

TEST(CheckDiscover, FailsWhenTheLargestSearchIsTooSmall) {
  Expectation x = discover({"P"});
  x.min_datagram_bytes = 1400;
  CheckResult r = check_discover(x, client(kFound), kServer);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("largest search datagram 1337 bytes"), std::string::npos) << r.measured;
}

TEST(CheckDiscover, FailsWhenTheClientPrintedNoJson) {
  CheckResult r = check_discover(discover({"P"}), client("Segmentation fault", 139), kServer);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("no JSON"), std::string::npos);
  ClientOutcome none;
  none.error = "pva-client not found";
  EXPECT_EQ(check_discover(discover({"P"}), none, kServer).measured, "pva-client not found");
}

TEST(CheckNoDiscover, PassesWhenNothingWasFoundAfterSearching) {
  Expectation x = discover({"P"}, 3);
  x.kind = ExpectKind::no_discover;
  CheckResult r = check_no_discover(
      x, client(R"({"all_found":false,"pvs":[{"name":"P","found":false}],"datagrams_sent":3})", 1));
  EXPECT_EQ(r.verdict, Verdict::pass) << r.measured;
  EXPECT_NE(r.measured.find("3 search datagrams sent"), std::string::npos);
}

TEST(CheckNoDiscover, FailsWhenFound) {
  Expectation x = discover({"P"}, 3);
  x.kind = ExpectKind::no_discover;
  EXPECT_EQ(check_no_discover(x, client(kFound)).verdict, Verdict::fail);
}

TEST(CheckNoDiscover, FailsWhenTheClientNeverSearchedOrNeverRan) {
  Expectation x = discover({"P"}, 3);
  x.kind = ExpectKind::no_discover;
  EXPECT_EQ(check_no_discover(x, client(R"({"pvs":[],"datagrams_sent":0})", 1)).verdict,
            Verdict::fail);
  EXPECT_EQ(check_no_discover(x, client("", 127)).verdict, Verdict::fail);
}

TEST(CheckMaxCopies, ComparesTheMostCopiedDatagramWithTheBound) {
  Expectation x;
  x.kind = ExpectKind::max_copies;
  x.segment = "b";
  x.max_copies = 1;
  EXPECT_EQ(check_max_copies(x, CopyStats{4, 2, 1, "w"}).verdict, Verdict::pass);
  CheckResult r = check_max_copies(x, CopyStats{5, 2, 3, "198.18.1.10:4000 (80 bytes)"});
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.figures["max_copies"], 3);
}

TEST(CheckMaxCopies, FailsWhenNothingWasSeenBecauseThatProvesNothing) {
  Expectation x;
  x.kind = ExpectKind::max_copies;
  EXPECT_EQ(check_max_copies(x, CopyStats{}).verdict, Verdict::fail);
  x.min_datagrams = 0;
  EXPECT_EQ(check_max_copies(x, CopyStats{}).verdict, Verdict::pass);
}

TEST(CheckCounter, ReadsDottedPathsAndCompares) {
  auto stats =
      nlohmann::json::parse(R"({"captured":4,"dropped":{"unknown_peer":2},"peers":["a","b"]})");
  Expectation x;
  x.kind = ExpectKind::counter;
  x.process = "relay";
  x.counter = "dropped.unknown_peer";
  x.op = ">=";
  x.value = 1;
  CheckResult r = check_counter(x, stats, "");
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(r.measured, "dropped.unknown_peer = 2");
  x.op = "==";
  x.value = 3;
  EXPECT_EQ(check_counter(x, stats, "").verdict, Verdict::fail);
  EXPECT_EQ(*counter_value(stats, "peers"), 2) << "a list counts its members";
  EXPECT_FALSE(counter_value(stats, "captured.x"));
}

TEST(CheckCounter, AnAbsentDropReasonCountsAsZeroButAnAbsentCounterFails) {
  auto stats = nlohmann::json::parse(R"({"captured":4,"dropped":{}})");
  Expectation x;
  x.kind = ExpectKind::counter;
  x.counter = "dropped.oversize";
  x.op = "==";
  x.value = 0;
  EXPECT_EQ(check_counter(x, stats, "").verdict, Verdict::pass);
  x.counter = "forwarded";
  EXPECT_EQ(check_counter(x, stats, "").verdict, Verdict::fail);
  EXPECT_EQ(check_counter(x, std::nullopt, "no stats file").measured, "no stats file");
}

Expectation peer_state(const std::string& state) {
  Expectation x;
  x.kind = ExpectKind::peer_state;
  x.process = "relay-a";
  x.peer = "${relay-c}";
  x.peer_state = state;
  return x;
}

const char* kPeerHealth = R"({"peers":["198.18.3.2"],"peer_health":{"198.18.3.2":
{"state":"unreachable","reason":"ICMP port unreachable","seconds_in_state":2.5}}})";

TEST(CheckPeerState, PassesWhenTheProcessSeesThePeerInThatState) {
  const auto stats = nlohmann::json::parse(kPeerHealth);
  CheckResult r = check_peer_state(peer_state("unreachable"), "198.18.3.2", stats, "");
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_EQ(r.measured, "198.18.3.2 unreachable for 2.5s (ICMP port unreachable)");
  EXPECT_EQ(r.figures["state"], "unreachable");
  EXPECT_EQ(r.figures["peer"], "198.18.3.2");
}

TEST(CheckPeerState, FailsSayingWhichStateThePeerIsIn) {
  const auto stats = nlohmann::json::parse(kPeerHealth);
  CheckResult r = check_peer_state(peer_state("up"), "198.18.3.2", stats, "");
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.measured, "198.18.3.2 unreachable for 2.5s (ICMP port unreachable)");
}

TEST(CheckPeerState, FailsWhenThePeerOrThePeerHealthIsMissing) {
  const auto stats = nlohmann::json::parse(kPeerHealth);
  EXPECT_EQ(check_peer_state(peer_state("up"), "198.18.9.9", stats, "").measured,
            "198.18.9.9 is not a peer of relay-a (its peers: 198.18.3.2)");
  const auto old = nlohmann::json::parse(R"({"peers":["198.18.3.2"]})");
  EXPECT_EQ(check_peer_state(peer_state("up"), "198.18.3.2", old, "").verdict, Verdict::fail);
  EXPECT_EQ(check_peer_state(peer_state("up"), "198.18.3.2", std::nullopt, "no stats").measured,
            "no stats");
}

TEST(Compare, EveryOperator) {
  EXPECT_TRUE(compare(2, ">=", 2));
  EXPECT_TRUE(compare(1, "<=", 2));
  EXPECT_TRUE(compare(2, "==", 2));
  EXPECT_TRUE(compare(1, "!=", 2));
  EXPECT_TRUE(compare(3, ">", 2));
  EXPECT_TRUE(compare(1, "<", 2));
  EXPECT_FALSE(compare(1, "~", 1));
}

TEST(CheckLog, CountsOccurrences) {
  Expectation x;
  x.kind = ExpectKind::log;
  x.text = "ready";
  EXPECT_EQ(check_log(x, "a ready\nb ready\n").figures["occurrences"], 2);
  EXPECT_EQ(check_log(x, "nothing").verdict, Verdict::fail);
}

Expectation deliver(long count = 3) {
  Expectation x;
  x.kind = ExpectKind::deliver;
  x.deliver.count = count;
  x.deliver.from = "client";
  x.deliver.to = "198.18.2.255:5076";
  x.deliver.receiver = "server";
  return x;
}

DeliveryOutcome delivery(const std::string& recv, int recv_exit = 0) {
  DeliveryOutcome o;
  o.recv_exit = recv_exit;
  o.send_exit = 0;
  o.recv_stdout = "udp-recv ready: noise first\n" + recv + "\n";
  o.send_stdout = R"({"sent":3,"source_port":40000,"elapsed_seconds":0.001,"achieved_rate":3000})";
  return o;
}

const char* kAllArrived =
    R"({"distinct":3,"duplicates":0,"corrupt":0,"lost_ranges":"","sources":{"198.18.1.10:40000":3},"latency_us":{"samples":3,"p50":40.5,"p99":80,"max":80}})";
const std::vector<std::string> kClient{"198.18.1.10", "2001:db8:1::10"};

TEST(CheckDeliver, PassesWhenAllArriveIntactFromTheSendersAddressAndPort) {
  CheckResult r = check_deliver(deliver(), delivery(kAllArrived), kClient);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.measured;
  EXPECT_EQ(r.figures["delivered"], 3);
  EXPECT_EQ(r.figures["lost"], 0);
  EXPECT_EQ(r.figures["latency_us"]["p50"], 40.5);
  EXPECT_NE(r.measured.find("3/3 delivered intact from 198.18.1.10:40000"), std::string::npos)
      << r.measured;
}

TEST(CheckDeliver, FailsWhenSomeAreLostUnlessMinDeliveredAllowsIt) {
  std::string lossy = kAllArrived;
  lossy.replace(lossy.find("\"distinct\":3"), 12, "\"distinct\":2");
  lossy.replace(lossy.find("\"lost_ranges\":\"\""), 16, "\"lost_ranges\":\"1\"");
  CheckResult r = check_deliver(deliver(), delivery(lossy, 1), kClient);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("1 lost (1)"), std::string::npos) << r.measured;
  Expectation x = deliver();
  x.deliver.min_delivered = 2;
  EXPECT_EQ(check_deliver(x, delivery(lossy, 1), kClient).verdict, Verdict::pass);
}

TEST(CheckDeliver, FailsOnCorruptOrDuplicatedDatagrams) {
  std::string bad = kAllArrived;
  bad.replace(bad.find("\"corrupt\":0"), 11, "\"corrupt\":1");
  EXPECT_EQ(check_deliver(deliver(), delivery(bad), kClient).verdict, Verdict::fail);
  std::string dup = kAllArrived;
  dup.replace(dup.find("\"duplicates\":0"), 14, "\"duplicates\":2");
  CheckResult r = check_deliver(deliver(), delivery(dup), kClient);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("2 duplicates"), std::string::npos) << r.measured;
  Expectation x = deliver();
  x.deliver.max_duplicates = 2;
  EXPECT_EQ(check_deliver(x, delivery(dup), kClient).verdict, Verdict::pass);
}

TEST(CheckDeliver, FailsWhenTheSourceAddressOrPortWasNotKept) {
  std::string other_ip = kAllArrived;
  other_ip.replace(other_ip.find("198.18.1.10:40000"), 17, "198.18.2.2:40000");
  CheckResult r = check_deliver(deliver(), delivery(other_ip), kClient);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("from 198.18.2.2:40000, not from client"), std::string::npos)
      << r.measured;
  std::string other_port = kAllArrived;
  other_port.replace(other_port.find("198.18.1.10:40000"), 17, "198.18.1.10:40001");
  EXPECT_EQ(check_deliver(deliver(), delivery(other_port), kClient).verdict, Verdict::fail);
  Expectation x = deliver();
  x.deliver.keep_source = false;
  EXPECT_EQ(check_deliver(x, delivery(other_ip), kClient).verdict, Verdict::pass);
}

TEST(CheckDeliver, FailsWhenAToolPrintedNoJsonOrCouldNotRun) {
  EXPECT_NE(check_deliver(deliver(), delivery("Segmentation fault", 139), kClient)
                .measured.find("udp-recv printed no JSON (exit status 139)"),
            std::string::npos);
  DeliveryOutcome o = delivery(kAllArrived);
  o.send_stdout = "";
  o.send_exit = 2;
  EXPECT_EQ(check_deliver(deliver(), o, kClient).verdict, Verdict::fail);
  DeliveryOutcome none;
  none.error = "udp-recv did not say it was ready";
  EXPECT_EQ(check_deliver(deliver(), none, kClient).measured, "udp-recv did not say it was ready");
}

TEST(CounterDeltas, EveryNumberAsADottedPathMinusItsValueBefore) {
  auto before = nlohmann::json::parse(R"({"captured":10,"dropped":{"echo":1},"peers":["x"]})");
  auto after = nlohmann::json::parse(
      R"({"captured":5010,"dropped":{"echo":1,"fragment":2},"peers":["x"],"note":"n"})");
  auto d = counter_deltas(before, after);
  EXPECT_EQ(d["captured"], 5000);
  EXPECT_EQ(d["dropped.echo"], 0);
  EXPECT_EQ(d["dropped.fragment"], 2) << "a counter that appeared counts from 0";
  EXPECT_FALSE(d.contains("peers"));
  EXPECT_FALSE(d.contains("note"));
}

TEST(CheckDeliver, MaxDeliveredZeroIsANegativeControlThatNeedsTheSenderToHaveSent) {
  Expectation x = deliver();
  x.deliver.max_delivered = 0;
  const char* none =
      R"({"distinct":0,"duplicates":0,"corrupt":0,"lost_ranges":"0-2","sources":{}})";
  EXPECT_EQ(check_deliver(x, delivery(none, 1), kClient).verdict, Verdict::pass);
  CheckResult crossed = check_deliver(x, delivery(kAllArrived), kClient);
  EXPECT_EQ(crossed.verdict, Verdict::fail);
  EXPECT_NE(crossed.measured.find("3 delivered, expected <= 0"), std::string::npos)
      << crossed.measured;
  DeliveryOutcome silent = delivery(none, 1);
  silent.send_stdout = R"({"sent":0,"source_port":40000,"first_error":"EPERM"})";
  EXPECT_EQ(check_deliver(x, silent, kClient).verdict, Verdict::fail);
}

TEST(CheckDeliver, TtlChecksEveryDatagramArrivedWithIt) {
  Expectation x = deliver();
  x.deliver.ttl = 1;
  std::string ttl1 = kAllArrived;
  ttl1.insert(1, R"("ttl_min":1,"ttl_max":1,)");
  EXPECT_EQ(check_deliver(x, delivery(ttl1), kClient).verdict, Verdict::pass);
  std::string mixed = kAllArrived;
  mixed.insert(1, R"("ttl_min":1,"ttl_max":64,)");
  CheckResult r = check_deliver(x, delivery(mixed), kClient);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.measured.find("TTL/hop limit 1..64, expected 1"), std::string::npos) << r.measured;
  EXPECT_EQ(check_deliver(x, delivery(kAllArrived), kClient).verdict, Verdict::fail)
      << "a receiver that reported no TTL cannot pass a TTL check";
}

TEST(CheckDeliver, KeepsTheIpv6SourceAddressAndPort) {
  std::string v6 = kAllArrived;
  v6.replace(v6.find("198.18.1.10:40000"), 17, "[2001:db8:1::10]:40000");
  v6.insert(1, R"("ttl_min":1,"ttl_max":1,)");
  Expectation x = deliver();
  x.deliver.to = "[ff15::1]:43113";
  x.deliver.ttl = 1;
  CheckResult r = check_deliver(x, delivery(v6), kClient);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.measured;
  EXPECT_NE(r.measured.find("from [2001:db8:1::10]:40000"), std::string::npos) << r.measured;
  std::string other = v6;
  other.replace(other.find("[2001:db8:1::10]"), 16, "[2001:db8:1::11]");
  CheckResult wrong_ip = check_deliver(x, delivery(other), kClient);
  EXPECT_EQ(wrong_ip.verdict, Verdict::fail);
  EXPECT_NE(wrong_ip.measured.find("from [2001:db8:1::11]:40000, not from client"),
            std::string::npos)
      << wrong_ip.measured;
  std::string link_local = v6;
  link_local.replace(link_local.find("[2001:db8:1::10]"), 16, "[fe80::10]");
  EXPECT_EQ(check_deliver(x, delivery(link_local), kClient).verdict, Verdict::fail)
      << "a link-local source is not one of the sender's configured addresses";
  std::string other_port = v6;
  other_port.replace(other_port.find("]:40000"), 7, "]:40001");
  EXPECT_EQ(check_deliver(x, delivery(other_port), kClient).verdict, Verdict::fail);
}

TEST(CheckDeliver, ReportsTheCpuSecondsOfWatchedProcesses) {
  DeliveryOutcome o = delivery(kAllArrived);
  o.cpu_seconds = {{"relay-a", 0.25}};
  EXPECT_EQ(check_deliver(deliver(), o, kClient).figures["cpu_seconds"]["relay-a"], 0.25);
}

const char* kRead42 =
    R"({"all_found":true,"pvs":[{"name":"P","found":true,"server":"198.18.2.10:5075",
"guid":"ab","seconds":0.25,"tcp_validated":true,"value":42.0,"error":null}],"datagrams_sent":1})";

TEST(CheckDiscover, ValuePassesOnlyWhenEveryPvReadsIt) {
  Expectation x = discover({"P"});
  x.pv_value = 42;
  CheckResult ok = check_discover(x, client(kRead42), kServer);
  EXPECT_EQ(ok.verdict, Verdict::pass) << ok.measured;
  EXPECT_EQ(ok.figures["values"][0], 42.0);
  x.pv_value = 43;
  CheckResult wrong = check_discover(x, client(kRead42, 1), kServer);
  EXPECT_EQ(wrong.verdict, Verdict::fail);
  EXPECT_NE(wrong.measured.find("read 42, expected 43"), std::string::npos) << wrong.measured;
  // Found and validated, but no value (e.g. the server refused the channel).
  CheckResult none = check_discover(x, client(kFound, 1), kServer);
  EXPECT_EQ(none.verdict, Verdict::fail);
  EXPECT_NE(none.measured.find("read no value"), std::string::npos) << none.measured;
}

Expectation monitor(long min_updates, long min_reconnects) {
  Expectation x = discover({"P"});
  x.kind = ExpectKind::monitor;
  x.min_updates = min_updates;
  x.min_reconnects = min_reconnects;
  return x;
}

std::string monitor_json(int updates, int reconnects, int since) {
  return R"({"all_found":true,"pvs":[{"name":"P","found":true,"server":"198.18.2.10:5075",)"
         R"("guid":"ab","seconds":0.1,"tcp_validated":true,"value":7.5,"error":null,"updates":)" +
         std::to_string(updates) + R"(,"reconnects":)" + std::to_string(reconnects) +
         R"(,"updates_since_reconnect":)" + std::to_string(since) + "}]}";
}

TEST(CheckMonitor, PassesWithEnoughUpdatesReconnectsAndALiveMonitorAtTheEnd) {
  CheckResult r = check_monitor(monitor(5, 1), client(monitor_json(12, 1, 4)), kServer);
  EXPECT_EQ(r.verdict, Verdict::pass) << r.measured;
  EXPECT_EQ(r.figures["updates"], 12);
  EXPECT_EQ(r.figures["reconnects"], 1);
  EXPECT_EQ(r.figures["value"], 7.5);
}

TEST(CheckMonitor, FailsOnTooFewUpdatesNoReconnectOrADeadMonitor) {
  EXPECT_EQ(check_monitor(monitor(5, 0), client(monitor_json(4, 0, 4)), kServer).verdict,
            Verdict::fail);
  EXPECT_EQ(check_monitor(monitor(5, 1), client(monitor_json(12, 0, 12)), kServer).verdict,
            Verdict::fail);
  CheckResult dead = check_monitor(monitor(5, 0), client(monitor_json(12, 0, 0), 1), kServer);
  EXPECT_EQ(dead.verdict, Verdict::fail);
  EXPECT_NE(dead.measured.find("no live monitor"), std::string::npos) << dead.measured;
  EXPECT_EQ(
      check_monitor(monitor(5, 0), client(monitor_json(12, 0, 12)), {*parse_ipv4("198.18.3.10")})
          .verdict,
      Verdict::fail);
  EXPECT_EQ(check_monitor(monitor(1, 0), client("crash", 139), kServer).verdict, Verdict::fail);
}

}  // namespace
}  // namespace netsim
