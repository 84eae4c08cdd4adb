// What udp-recv counts, and its JSON report. Pure: fed one datagram at a time (already
// checked by check_payload), so every figure can be unit-tested without a socket.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "udp/payload.h"

namespace udp {

class ReceiveTally {
 public:
  // expected: the sequence numbers 0..expected-1 the sender will send.
  explicit ReceiveTally(std::uint32_t expected);

  // latency_ns: receive time minus the payload's send time (may be negative if the
  // clocks disagree; then it is not used).
  void add(const PayloadCheck& c, std::size_t bytes, const std::string& source,
           std::int64_t latency_ns);
  void add_socket_drops(std::uint64_t n) { socket_drops_ += n; }

  std::uint32_t expected() const { return expected_; }
  std::uint32_t distinct() const { return distinct_; }
  bool complete() const { return distinct_ >= expected_; }

  nlohmann::json report() const;

 private:
  std::uint32_t expected_;
  std::vector<std::uint8_t> copies_;  // per sequence number, saturating at 255
  std::uint32_t distinct_ = 0;
  std::uint64_t received_ = 0, duplicates_ = 0, foreign_ = 0, out_of_range_ = 0;
  std::uint64_t intact_ = 0, corrupt_ = 0, bytes_ok_ = 0, bytes_bad_ = 0;
  std::uint64_t socket_drops_ = 0;
  std::size_t min_size_ = 0, max_size_ = 0;
  std::map<std::string, std::uint64_t> sources_;
  std::map<std::uint32_t, std::uint64_t> run_ids_;
  std::vector<std::int64_t> latencies_ns_;
};

// Pure helpers, exposed for the tests.
struct LatencySummary {
  std::size_t samples = 0;
  double p50_us = 0, p99_us = 0, max_us = 0;
};
// Nearest-rank percentiles of the samples (sorted in place).
LatencySummary summarise_latency(std::vector<std::int64_t>& samples_ns);
// "3-5,9,12-20": the sequence numbers with zero copies, at most max_ranges ranges,
// then " (+N more ranges)".
std::string missing_ranges(const std::vector<std::uint8_t>& copies, std::size_t max_ranges = 10);

}  // namespace udp
