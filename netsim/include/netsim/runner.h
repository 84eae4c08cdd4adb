// Runs a scenario in the current (already private) world: build, start, timeline,
// checks, teardown. Teardown happens on every path, success, failure or interrupt.
#pragma once

#include <atomic>
#include <string>

#include "netsim/report.h"
#include "netsim/scenario.h"

namespace netsim {

struct RunOptions {
  std::string logs_dir;     // must exist
  std::string capture_dir;  // empty: no pcaps
  std::string bin_dir;      // where snowsignal, pva-server, pva-client are
  std::uint16_t search_port = 5076;
};

Report run_scenario(const Scenario& scenario, const RunOptions& options,
                    const std::atomic<bool>& interrupted);

}  // namespace netsim
