// The PVs pva-server serves: epics:nt/NTScalar:1.0 doubles, settable from the command
// line and by PUT, and "processed" (timeStamp refreshed) at a configured period so
// monitors see a steady stream of updates, like a periodically scanned EPICS record.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "pva/pvdata.h"

namespace pva::server {

using WallTime = std::chrono::system_clock::time_point;

struct PvRecord {
  double value = 0;
  std::int64_t seconds = 0;  // timeStamp.secondsPastEpoch (POSIX epoch, as pvxs)
  std::int32_t nanos = 0;
  std::uint64_t generation = 0;  // bumped on every change: monitors post when it moves
};

class PvDatabase {
 public:
  void add(const std::string& name, double value, WallTime now);
  PvRecord* find(const std::string& name);
  bool contains(const std::string& name) const { return pvs_.count(name) != 0; }
  void put(PvRecord& r, double value, WallTime now);
  // Refreshes every timeStamp: one monitor update per PV and period.
  void scan(WallTime now);
  const std::map<std::string, PvRecord>& all() const { return pvs_; }

 private:
  std::map<std::string, PvRecord> pvs_;
};

// The record as values of nt_scalar_double(), indexed like flatten(nt_scalar_double()).
PvValue to_nt_value(const PvRecord& r);

// "NAME" or "NAME=VALUE" (a finite double); false on a bad value.
bool parse_pv_arg(const std::string& arg, std::string& name, double& value);

}  // namespace pva::server
