#include "pv_database.h"

#include <cmath>
#include <cstdlib>

namespace pva::server {

namespace {
void stamp(PvRecord& r, WallTime now) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  r.seconds = ns / 1'000'000'000;
  r.nanos = static_cast<std::int32_t>(ns % 1'000'000'000);
  ++r.generation;
}
}  // namespace

void PvDatabase::add(const std::string& name, double value, WallTime now) {
  auto& r = pvs_[name];
  r.value = value;
  stamp(r, now);
}

PvRecord* PvDatabase::find(const std::string& name) {
  auto it = pvs_.find(name);
  return it == pvs_.end() ? nullptr : &it->second;
}

void PvDatabase::put(PvRecord& r, double value, WallTime now) {
  r.value = value;
  stamp(r, now);
}

void PvDatabase::scan(WallTime now) {
  for (auto& [name, r] : pvs_) stamp(r, now);
}

PvValue to_nt_value(const PvRecord& r) {
  static const auto flat = flatten(nt_scalar_double());
  auto v = default_value(flat);
  v.fields[find_field(flat, "value")] = r.value;
  v.fields[find_field(flat, "timeStamp.secondsPastEpoch")] = r.seconds;
  v.fields[find_field(flat, "timeStamp.nanoseconds")] = std::int64_t{r.nanos};
  return v;
}

bool parse_pv_arg(const std::string& arg, std::string& name, double& value) {
  const auto eq = arg.find('=');
  name = arg.substr(0, eq);
  value = 0;
  if (name.empty()) return false;
  if (eq == std::string::npos) return true;
  const std::string text = arg.substr(eq + 1);
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace pva::server
