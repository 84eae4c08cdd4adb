#include "udp/receive_tally.h"

#include <algorithm>
#include <cmath>

namespace udp {

ReceiveTally::ReceiveTally(std::uint32_t expected) : expected_(expected), copies_(expected, 0) {
  latencies_ns_.reserve(expected);
}

void ReceiveTally::add(const PayloadCheck& c, std::size_t bytes, const std::string& source,
                       std::int64_t latency_ns) {
  ++received_;
  if (received_ == 1 || bytes < min_size_) min_size_ = bytes;
  max_size_ = std::max(max_size_, bytes);
  ++sources_[source];
  if (c.kind != PayloadKind::ours) {
    ++foreign_;
    return;
  }
  ++run_ids_[c.header.run_id];
  if (c.intact()) {
    ++intact_;
    bytes_ok_ += bytes;
  } else {
    ++corrupt_;
    bytes_bad_ += c.bad_bytes;
  }
  if (c.header.seq >= expected_) {
    ++out_of_range_;
    return;
  }
  std::uint8_t& n = copies_[c.header.seq];
  if (n == 0) {
    ++distinct_;
    if (latency_ns >= 0) latencies_ns_.push_back(latency_ns);
  } else {
    ++duplicates_;
  }
  if (n < 255) ++n;
}

LatencySummary summarise_latency(std::vector<std::int64_t>& v) {
  LatencySummary s;
  s.samples = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) {
    // Nearest rank: the smallest sample with at least q of all samples at or below it.
    auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return static_cast<double>(v[std::clamp<std::size_t>(r, 1, v.size()) - 1]) / 1000.0;
  };
  s.p50_us = rank(0.50);
  s.p99_us = rank(0.99);
  s.max_us = static_cast<double>(v.back()) / 1000.0;
  return s;
}

std::string missing_ranges(const std::vector<std::uint8_t>& copies, std::size_t max_ranges) {
  std::string out;
  std::size_t ranges = 0;
  for (std::size_t i = 0; i < copies.size();) {
    if (copies[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < copies.size() && copies[j + 1] == 0) ++j;
    if (ranges < max_ranges) {
      if (!out.empty()) out += ",";
      out += std::to_string(i);
      if (j > i) out += "-" + std::to_string(j);
    }
    ++ranges;
    i = j + 1;
  }
  if (ranges > max_ranges) out += " (+" + std::to_string(ranges - max_ranges) + " more ranges)";
  return out;
}

nlohmann::json ReceiveTally::report() const {
  auto samples = latencies_ns_;
  const LatencySummary lat = summarise_latency(samples);
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [s, n] : sources_) sources[s] = n;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& [r, n] : run_ids_) runs.push_back(r);
  return {
      {"expected", expected_},
      {"count", received_},
      {"distinct", distinct_},
      {"duplicates", duplicates_},
      {"lost", expected_ - distinct_},
      {"lost_ranges", missing_ranges(copies_)},
      {"intact", intact_},
      {"corrupt", corrupt_},
      {"bytes_ok", bytes_ok_},
      {"bytes_bad", bytes_bad_},
      {"foreign", foreign_},
      {"out_of_range", out_of_range_},
      {"socket_drops", socket_drops_},
      {"size_min", min_size_},
      {"size_max", max_size_},
      {"sources", sources},
      {"run_ids", runs},
      {"latency_us",
       {{"samples", lat.samples}, {"p50", lat.p50_us}, {"p99", lat.p99_us}, {"max", lat.max_us}}}};
}

}  // namespace udp
