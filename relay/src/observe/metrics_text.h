// The Prometheus text exposition format (version 0.0.4), written by a pure function so
// the output can be checked without a network. Other metrics (per-peer state, ...) are
// added as one more family() call with their labels; the writer does the escaping and
// the HELP/TYPE lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics_snapshot.h"

namespace snowsignal {

using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

// Appends metric families to one text body. Each family gets its HELP and TYPE line
// once, then any number of samples; names and label names are ours (fixed), label
// values are escaped as the format requires (backslash, double quote, newline).
class PrometheusWriter {
 public:
  enum class Type { kCounter, kGauge };

  void family(std::string_view name, Type type, std::string_view help);
  // A sample of the family last opened by family().
  void sample(const MetricLabels& labels, double value);
  void sample(const MetricLabels& labels, std::uint64_t value);
  void sample(std::uint64_t value) { sample(MetricLabels{}, value); }

  const std::string& text() const { return text_; }

 private:
  void sample_prefix(const MetricLabels& labels);
  std::string text_;
  std::string name_;
};

// Escapes a label value: \ -> \\, " -> \", newline -> \n.
std::string escape_label_value(std::string_view value);

// Every counter, drops as one family with a `reason` label, the peers and their number,
// capture and mesh socket drops, capture and health state, and build info.
std::string prometheus_text(const MetricsSnapshot& snapshot);

}  // namespace snowsignal
