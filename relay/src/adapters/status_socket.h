// The relay's status socket: a Unix stream socket (default /run/snowsignal/status.sock)
// on which every connection receives the latest status document and is closed. Served
// by a thread of its own from a document the event loop publishes every 500 ms (a swap
// under a mutex), so `snowsignal status` never waits on, or slows, the packet path.
// Unix rather than TCP: nothing to configure, reachable only through the filesystem
// (mode 0660: the relay's user and group, and root).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace snowsignal {

class StatusServer {
 public:
  // Binds `path`, creating its directory (0750) when missing. A socket left by a relay
  // that died is replaced; a path where another relay answers, or that is not a
  // socket, is an error. Throws std::runtime_error saying which.
  explicit StatusServer(std::string path);
  ~StatusServer();  // stops the thread and removes the socket
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  void publish(std::string document);
  const std::string& path() const { return path_; }

 private:
  void serve();

  std::string path_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: wakes the thread to stop
  mutable std::mutex mutex_;
  std::string document_;
  std::thread thread_;
};

struct StatusFetch {
  bool ok = false;
  std::string document;  // when ok
  std::string error;     // when not: one line, e.g. "no relay at PATH (connection refused)"
};

// What the relay at `path` answers (bounded: 3 s).
StatusFetch fetch_status(const std::string& path);

}  // namespace snowsignal
