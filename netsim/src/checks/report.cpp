#include "netsim/report.h"

#include <iomanip>
#include <sstream>

namespace netsim {

int Report::passed() const {
  int n = 0;
  for (const auto& r : results) n += r.verdict == Verdict::pass;
  return n;
}

int Report::failed() const {
  return static_cast<int>(results.size()) - passed();
}

int Report::events_failed() const {
  int n = 0;
  for (const auto& e : events) n += !e.ok;
  return n;
}

int Report::exit_code() const {
  if (interrupted) return 130;
  if (!error.empty() || failed() > 0 || events_failed() > 0) return 1;
  return 0;
}

std::string render_text(const Report& r) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2);
  o << "netsim: scenario " << r.scenario << " (" << r.file << ")\n";
  for (const auto& e : r.events)
    o << "  t=" << std::setw(6) << e.actual << "s  " << (e.ok ? "" : "FAILED ") << e.what
      << (e.detail.empty() ? "" : ": " + e.detail) << "\n";
  if (!r.error.empty()) o << "ERROR " << r.error << "\n";
  if (r.interrupted) o << "INTERRUPTED after " << r.elapsed << "s: stopped, tore down\n";
  for (const auto& c : r.results) {
    std::string verdict = to_string(c.verdict);
    o << std::left << std::setw(8) << verdict << std::right << c.description << ": " << c.measured;
    if (c.verdict != Verdict::pass && c.where.line > 0) o << "  [" << c.where.str() << "]";
    o << "\n";
  }
  o << "logs: " << r.logs_dir << "\n";
  if (!r.capture_dir.empty()) o << "captures: " << r.capture_dir << "\n";
  o << "teardown: " << r.processes_stopped << " process(es) stopped, " << r.teardown.links_deleted
    << " link(s) deleted, " << r.teardown.anchors_stopped << " namespace(s) released";
  for (const auto& p : r.teardown.problems) o << "; problem: " << p;
  o << "\n";
  o << "result: " << r.passed() << " passed, " << r.failed() << " failed";
  if (r.events_failed() > 0) o << ", " << r.events_failed() << " timeline event(s) failed";
  if (r.exit_code() == 0)
    o << ": PASS";
  else if (r.interrupted)
    o << ": INTERRUPTED";
  else
    o << ": FAIL";
  o << " (" << r.elapsed << "s)\n";
  return o.str();
}

nlohmann::json to_json(const Report& r) {
  nlohmann::json j;
  j["scenario"] = r.scenario;
  j["file"] = r.file;
  j["logs_dir"] = r.logs_dir;
  if (!r.capture_dir.empty()) j["capture_dir"] = r.capture_dir;
  j["expectations"] = nlohmann::json::array();
  for (const auto& c : r.results) {
    j["expectations"].push_back({{"kind", c.kind},
                                 {"description", c.description},
                                 {"verdict", to_string(c.verdict)},
                                 {"pass", c.verdict == Verdict::pass},
                                 {"measured", c.measured},
                                 {"figures", c.figures},
                                 {"line", c.where.line}});
  }
  j["timeline"] = nlohmann::json::array();
  for (const auto& e : r.events)
    j["timeline"].push_back({{"scheduled", e.scheduled},
                             {"actual", e.actual},
                             {"what", e.what},
                             {"ok", e.ok},
                             {"detail", e.detail}});
  if (!r.error.empty()) j["error"] = r.error;
  j["interrupted"] = r.interrupted;
  j["elapsed_seconds"] = r.elapsed;
  j["passed"] = r.passed();
  j["failed"] = r.failed();
  j["events_failed"] = r.events_failed();
  j["exit_code"] = r.exit_code();
  j["teardown"] = {{"processes_started", r.processes_started},
                   {"processes_stopped", r.processes_stopped},
                   {"links_deleted", r.teardown.links_deleted},
                   {"namespaces_released", r.teardown.anchors_stopped},
                   {"problems", r.teardown.problems}};
  j["namespaces"] = {{"world_netns_inode", r.world_netns}, {"host_netns_inodes", r.host_netns}};
  return j;
}

}  // namespace netsim
