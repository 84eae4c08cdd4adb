// The outcome of a run: one line per expectation with its figure, what the timeline
// did, where the logs are, and what teardown removed. Text for people, JSON for tools.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netsim/expectations.h"
#include "netsim/topology.h"

namespace netsim {

struct TimelineEntry {
  double scheduled = 0;
  double actual = 0;
  std::string what;
  bool ok = true;
  std::string detail;
};

struct Report {
  std::string scenario;
  std::string file;
  std::string logs_dir;
  std::string capture_dir;
  std::vector<CheckResult> results;
  std::vector<TimelineEntry> events;
  std::string error;  // setup failure, if any
  bool interrupted = false;
  double elapsed = 0;  // seconds since the timeline started
  int processes_started = 0;
  int processes_stopped = 0;
  TeardownSummary teardown;
  unsigned long world_netns = 0;
  std::map<std::string, unsigned long> host_netns;  // inode numbers, to prove they are gone

  int passed() const;
  int failed() const;  // FAIL and NOT RUN
  int events_failed() const;
  // 130 interrupted, 1 any failure, failed timeline event or setup error, 0 all passed.
  int exit_code() const;
};

std::string render_text(const Report& r);
nlohmann::json to_json(const Report& r);

}  // namespace netsim
