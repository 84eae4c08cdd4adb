#include "background_name_resolver.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace snowsignal {

// Owned jointly by the resolver and its worker thread, so a worker still inside
// getaddrinfo when the resolver goes away touches nothing that was freed.
struct BackgroundNameResolver::Shared {
  std::unique_ptr<NameResolver> inner;
  std::mutex mutex;
  std::condition_variable wake;
  std::map<std::string, std::vector<IpAddress>> answers;
  std::set<std::string> pending;
  bool stopping = false;
};

void BackgroundNameResolver::work(const std::shared_ptr<Shared>& shared) {
  std::unique_lock lock(shared->mutex);
  for (;;) {
    shared->wake.wait(lock, [&] { return shared->stopping || !shared->pending.empty(); });
    if (shared->stopping) return;
    const std::string host = std::move(shared->pending.extract(shared->pending.begin()).value());
    lock.unlock();
    std::vector<IpAddress> answer = shared->inner->resolve(host);
    lock.lock();
    shared->answers[host] = std::move(answer);
  }
}

BackgroundNameResolver::BackgroundNameResolver(std::unique_ptr<NameResolver> inner)
    : shared_(std::make_shared<Shared>()) {
  shared_->inner = std::move(inner);
  std::thread([shared = shared_] { work(shared); }).detach();
}

BackgroundNameResolver::~BackgroundNameResolver() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->wake.notify_one();
}

std::vector<IpAddress> BackgroundNameResolver::resolve(const std::string& host) {
  {
    std::lock_guard lock(shared_->mutex);
    if (auto it = shared_->answers.find(host); it != shared_->answers.end()) {
      shared_->pending.insert(host);
      shared_->wake.notify_one();
      return it->second;
    }
  }
  std::vector<IpAddress> answer = shared_->inner->resolve(host);
  std::lock_guard lock(shared_->mutex);
  shared_->answers[host] = answer;
  return answer;
}

}  // namespace snowsignal
