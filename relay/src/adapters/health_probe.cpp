#include "health_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "http_response.h"

namespace snowsignal {

namespace {

constexpr auto kTimeout = std::chrono::seconds(3);
constexpr std::size_t kMaxResponse = 64 * 1024;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int fail(const Endpoint& endpoint, const char* what) {
  std::printf("unhealthy: cannot reach %s: %s: %s\n", endpoint.to_string().c_str(), what,
              std::strerror(errno));
  return 1;
}

// Waits for `events` until the overall deadline. False on timeout or error.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    errno = ETIMEDOUT;
    return false;
  }
  pollfd p{fd, events, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
  if (ready == 0) errno = ETIMEDOUT;
  return ready > 0;
}

}  // namespace

int probe_health(const Endpoint& endpoint) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  const Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.get() < 0) return fail(endpoint, "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(endpoint.port);
  address.sin_addr.s_addr = htonl(endpoint.address.value);
  if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS) return fail(endpoint, "connect");
    if (!wait_for(socket.get(), POLLOUT, deadline)) return fail(endpoint, "connect");
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      errno = error;
      return fail(endpoint, "connect");
    }
  }
  const std::string request =
      "GET /healthz HTTP/1.0\r\nHost: " + endpoint.to_string() + "\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(socket.get(), POLLOUT, deadline)) return fail(endpoint, "send");
    const ssize_t n =
        ::send(socket.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return fail(endpoint, "send");
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buffer[4096];
  while (response.size() < kMaxResponse) {
    if (!wait_for(socket.get(), POLLIN, deadline)) return fail(endpoint, "receive");
    const ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return fail(endpoint, "receive");
    if (n > 0) response.append(buffer, static_cast<std::size_t>(n));
  }
  const std::optional<int> status = http_status_code(response);
  if (!status) {
    std::printf("unhealthy: %s did not answer with HTTP\n", endpoint.to_string().c_str());
    return 1;
  }
  const std::string_view body = http_body(response);
  std::printf("%d %.*s", *status, static_cast<int>(body.size()), body.data());
  if (!body.ends_with('\n')) std::printf("\n");
  return *status == 200 ? 0 : 1;
}

}  // namespace snowsignal
