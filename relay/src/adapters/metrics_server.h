// Serves /metrics (Prometheus text format) and /healthz over HTTP with libmicrohttpd,
// on libmicrohttpd's own thread. The event loop hands it a fresh snapshot now and then
// (publish(): a swap under a mutex, no I/O); a request copies the latest snapshot under
// the same mutex and renders it on the HTTP thread. So a slow or hostile scraper costs
// the packet path at most one short lock.
#pragma once

#include <memory>
#include <mutex>

#include "metrics_snapshot.h"
#include "snowsignal/config.h"

struct MHD_Daemon;

namespace snowsignal {

class MetricsServer {
 public:
  // Listens on `endpoint`. Throws std::runtime_error when it cannot.
  explicit MetricsServer(const Endpoint& endpoint);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void publish(MetricsSnapshot snapshot);
  MetricsSnapshot latest() const;

 private:
  mutable std::mutex mutex_;
  MetricsSnapshot snapshot_;
  MHD_Daemon* daemon_ = nullptr;
};

}  // namespace snowsignal
