#include "status_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace snowsignal {

namespace {

constexpr int kTimeoutMs = 3000;

std::string errno_text() {
  return std::strerror(errno);
}

sockaddr_un address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    throw std::runtime_error("status socket path '" + path + "' is empty or too long");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// Connected socket to `path`, or -1 with errno set.
int connect_to(const std::string& path) {
  const sockaddr_un address = address_of(path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

void make_parent_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return;
  const std::string dir = path.substr(0, slash);
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create " + dir + " for the status socket: " + errno_text());
  }
}

// A path that is there already: the socket of a relay that died (replaced), or of one
// that runs (refused: two relays would answer for each other), or something else.
void clear_stale(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error("status socket path " + path + " exists and is not a socket");
  }
  const int fd = connect_to(path);
  if (fd >= 0) {
    ::close(fd);
    throw std::runtime_error("another relay answers on the status socket " + path +
                             " (give this one --status-socket PATH)");
  }
  ::unlink(path.c_str());
}

}  // namespace

StatusServer::StatusServer(std::string path) : path_(std::move(path)) {
  const sockaddr_un address = address_of(path_);
  make_parent_directory(path_);
  clear_stale(path_);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) throw std::runtime_error("status socket: " + errno_text());
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::chmod(path_.c_str(), 0660) != 0 || ::listen(listen_fd_, 8) != 0) {
    const std::string error = "status socket " + path_ + ": " + errno_text();
    ::close(listen_fd_);
    throw std::runtime_error(error);
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
    throw std::runtime_error("status socket: eventfd: " + errno_text());
  }
  thread_ = std::thread([this] { serve(); });
}

StatusServer::~StatusServer() {
  const std::uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) {
    // Nothing else to do in a destructor; the thread also ends with the process.
  }
  if (thread_.joinable()) thread_.join();
  ::close(stop_fd_);
  ::close(listen_fd_);
  ::unlink(path_.c_str());
}

void StatusServer::publish(std::string document) {
  const std::lock_guard lock(mutex_);
  document_.swap(document);
}

void StatusServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::string document;
    {
      const std::lock_guard lock(mutex_);
      document = document_;
    }
    // A reader that does not read gets cut off, not waited for.
    const timeval timeout{1, 0};
    ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    std::size_t sent = 0;
    while (sent < document.size()) {
      const ssize_t n =
          ::send(client, document.data() + sent, document.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(client);
  }
}

StatusFetch fetch_status(const std::string& path) {
  StatusFetch result;
  int fd = -1;
  try {
    fd = connect_to(path);
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  if (fd < 0) {
    result.error = "no relay answers on " + path + " (" + errno_text() +
                   "); is it running, and with this --status-socket?";
    return result;
  }
  char buffer[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, kTimeoutMs) <= 0) {
      result.error = "the relay on " + path + " did not answer within 3 s";
      ::close(fd);
      return result;
    }
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      result.error = "reading " + path + ": " + errno_text();
      ::close(fd);
      return result;
    }
    if (n == 0) break;
    result.document.append(buffer, static_cast<std::size_t>(n));
    if (result.document.size() > (16U << 20)) {
      result.error = "the answer on " + path + " is too large";
      ::close(fd);
      return result;
    }
  }
  ::close(fd);
  result.ok = true;
  return result;
}

}  // namespace snowsignal
