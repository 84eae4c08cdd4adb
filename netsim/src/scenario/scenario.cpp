#include "netsim/scenario.h"

#include <sstream>

namespace netsim {

std::string SourceLocation::str() const {
  if (file.empty()) return line > 0 ? "line " + std::to_string(line) : std::string{};
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

namespace {
std::string with_location(const SourceLocation& where, const std::string& message) {
  auto loc = where.str();
  return loc.empty() ? message : loc + ": " + message;
}
}  // namespace

ScenarioError::ScenarioError(const SourceLocation& where, const std::string& message)
    : std::runtime_error(with_location(where, message)), where_(where) {}

const Segment* Scenario::find_segment(const std::string& n) const {
  for (const auto& s : segments)
    if (s.name == n) return &s;
  return nullptr;
}

const Host* Scenario::find_host(const std::string& n) const {
  for (const auto& h : hosts)
    if (h.name == n) return &h;
  return nullptr;
}

Host* Scenario::find_host(const std::string& n) {
  for (auto& h : hosts)
    if (h.name == n) return &h;
  return nullptr;
}

bool Scenario::is_overlay(const std::string& segment) const {
  const Segment* s = find_segment(segment);
  return s && s->overlay.has_value();
}

std::vector<const Host*> Scenario::swarm_nodes() const {
  std::vector<const Host*> out;
  for (const auto& h : hosts)
    if (h.node) out.push_back(&h);
  return out;
}

bool Scenario::has_services() const {
  for (const auto& h : hosts)
    if (!h.service.empty()) return true;
  return false;
}

const ProcessSpec* Scenario::find_process(const std::string& n) const {
  for (const auto& p : processes)
    if (p.name == n) return &p;
  return nullptr;
}

std::optional<Ipv4> Scenario::router_on(const std::string& segment) const {
  for (const auto& h : hosts) {
    if (!h.router) continue;
    for (const auto& l : h.links)
      if (l.segment == segment && l.ipv4) return l.address;
  }
  return std::nullopt;
}

std::optional<Ipv6> Scenario::router6_on(const std::string& segment) const {
  for (const auto& h : hosts) {
    if (!h.router) continue;
    for (const auto& l : h.links)
      if (l.segment == segment && l.address6) return l.address6;
  }
  return std::nullopt;
}

std::optional<Ipv4> Scenario::default_gateway(const Host& host) const {
  if (host.router) return std::nullopt;
  for (const auto& l : host.links)
    if (auto gw = router_on(l.segment)) return gw;
  return std::nullopt;
}

std::optional<Ipv6> Scenario::default_gateway6(const Host& host) const {
  if (host.router) return std::nullopt;
  for (const auto& l : host.links)
    if (auto gw = router6_on(l.segment)) return gw;
  return std::nullopt;
}

std::string Route::to_text() const {
  return to6 ? to_string(*to6) : to_string(to);
}

std::string Route::via_text() const {
  return to6 ? to_string(via6) : to_string(via);
}

std::string to_string(FaultKind k) {
  switch (k) {
    case FaultKind::kill:
      return "kill";
    case FaultKind::restart:
      return "restart";
    case FaultKind::link_down:
      return "link_down";
    case FaultKind::link_up:
      return "link_up";
    case FaultKind::loss:
      return "loss";
    case FaultKind::partition:
      return "partition";
    case FaultKind::heal:
      return "heal";
    case FaultKind::reschedule:
      return "reschedule";
  }
  return "?";
}

std::string to_string(ExpectKind k) {
  switch (k) {
    case ExpectKind::discover:
      return "discover";
    case ExpectKind::no_discover:
      return "no_discover";
    case ExpectKind::max_copies:
      return "max_copies";
    case ExpectKind::counter:
      return "counter";
    case ExpectKind::log:
      return "log";
    case ExpectKind::deliver:
      return "deliver";
    case ExpectKind::peer_state:
      return "peer_state";
    case ExpectKind::monitor:
      return "monitor";
  }
  return "?";
}

bool runs_pva_client(ExpectKind k) {
  return k == ExpectKind::discover || k == ExpectKind::no_discover || k == ExpectKind::monitor;
}

namespace {
std::string join_pvs(const std::vector<std::string>& pvs) {
  if (pvs.size() > 3) return pvs.front() + " (+" + std::to_string(pvs.size() - 1) + " more PVs)";
  std::string out;
  for (const auto& p : pvs) out += (out.empty() ? "" : ",") + p;
  return out;
}
}  // namespace

std::string describe(const FaultEvent& e) {
  std::ostringstream o;
  o << to_string(e.kind);
  switch (e.kind) {
    case FaultKind::kill:
      o << " " << e.process << " (signal " << e.signal << ")";
      break;
    case FaultKind::restart:
      o << " " << e.process;
      break;
    case FaultKind::link_down:
    case FaultKind::link_up:
      o << " " << e.host << "." << e.ifname;
      break;
    case FaultKind::loss:
      o << " " << e.percent << "% on " << e.host << "." << e.ifname;
      break;
    case FaultKind::partition:
      o << " " << e.segment_a << " | " << e.segment_b;
      break;
    case FaultKind::heal:
      if (e.segment_a.empty())
        o << " all";
      else
        o << " " << e.segment_a << " | " << e.segment_b;
      break;
    case FaultKind::reschedule:
      o << " " << e.host << " to " << e.node;
      break;
  }
  return o.str();
}

std::string describe(const Expectation& e) {
  std::ostringstream o;
  o << to_string(e.kind) << " ";
  switch (e.kind) {
    case ExpectKind::discover:
    case ExpectKind::no_discover:
      o << join_pvs(e.pvs);
      if (!e.server.empty()) o << " from " << e.server;
      o << " on " << e.client << " within " << e.within << "s";
      if (e.pv_value) o << " reading " << *e.pv_value;
      break;
    case ExpectKind::monitor:
      o << join_pvs(e.pvs);
      if (!e.server.empty()) o << " from " << e.server;
      o << " on " << e.client << " for " << e.within << "s, >= " << e.min_updates << " updates";
      if (e.min_reconnects > 0) o << ", >= " << e.min_reconnects << " reconnects";
      break;
    case ExpectKind::max_copies:
      o << "<= " << e.max_copies << " on segment " << e.segment;
      if (!e.node.empty()) o << " on node " << e.node;
      break;
    case ExpectKind::counter:
      o << e.process << " " << e.counter << " " << e.op << " " << e.value;
      break;
    case ExpectKind::log:
      o << e.process << " contains \"" << e.text << "\"";
      break;
    case ExpectKind::deliver:
      o << e.deliver.count << " x " << e.deliver.size << " bytes from " << e.deliver.from << " to "
        << e.deliver.to << " on " << e.deliver.receiver;
      if (e.deliver.rate > 0) o << " at " << e.deliver.rate << "/s";
      o << " within " << e.within << "s";
      break;
    case ExpectKind::peer_state:
      o << e.process << " sees " << e.peer << " " << e.peer_state;
      if (e.poll) o << " within " << e.within << "s";
      break;
  }
  if (e.at) o << " at " << *e.at << "s";
  return o.str();
}

}  // namespace netsim
