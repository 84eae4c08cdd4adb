#include "metrics_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "health_verdict.h"
#include "metrics_text.h"

namespace snowsignal {

namespace {

// Bounds that keep a misbehaving client from tying the thread up.
constexpr unsigned kConnectionLimit = 16;
constexpr unsigned kConnectionTimeoutS = 5;

MHD_Result respond(MHD_Connection* connection, unsigned status, const std::string& body,
                   const char* content_type) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  const MHD_Result result = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result handle(void* self, MHD_Connection* connection, const char* url, const char* method,
                  const char* /*version*/, const char* /*upload_data*/,
                  size_t* /*upload_data_size*/, void** /*request_state*/) {
  const auto* server = static_cast<const MetricsServer*>(self);
  const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                   std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (!get) return respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
  if (std::strcmp(url, "/metrics") == 0) {
    return respond(connection, MHD_HTTP_OK, prometheus_text(server->latest()),
                   "text/plain; version=0.0.4; charset=utf-8");
  }
  if (std::strcmp(url, "/healthz") == 0) {
    const HealthVerdict verdict = evaluate_health(server->latest());
    return respond(connection, verdict.healthy ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                   verdict.text + "\n", "text/plain; charset=utf-8");
  }
  return respond(connection, MHD_HTTP_NOT_FOUND, "not found: try /metrics or /healthz\n",
                 "text/plain");
}

}  // namespace

MetricsServer::MetricsServer(const Endpoint& endpoint) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(endpoint.port);
  address.sin_addr.s_addr = htonl(endpoint.address.value);
  daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, endpoint.port, nullptr,
                             nullptr, &handle, this, MHD_OPTION_SOCK_ADDR,
                             reinterpret_cast<sockaddr*>(&address), MHD_OPTION_CONNECTION_LIMIT,
                             kConnectionLimit, MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutS,
                             MHD_OPTION_END);
  if (daemon_ == nullptr) {
    throw std::runtime_error("cannot serve metrics on " + endpoint.to_string() + ": " +
                             std::strerror(errno));
  }
}

MetricsServer::~MetricsServer() {
  MHD_stop_daemon(daemon_);
}

void MetricsServer::publish(MetricsSnapshot snapshot) {
  const std::lock_guard lock(mutex_);
  std::swap(snapshot_, snapshot);
  // The old snapshot is freed here, after the lock is released.
}

MetricsSnapshot MetricsServer::latest() const {
  const std::lock_guard lock(mutex_);
  return snapshot_;
}

}  // namespace snowsignal
