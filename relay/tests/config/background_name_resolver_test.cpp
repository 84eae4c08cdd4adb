// DNS off the relay thread: first answer synchronous, later ones from the cache while a
// fresh lookup runs in the background.
#include "background_name_resolver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "frames.h"

namespace snowsignal::testing {
namespace {

using namespace std::chrono_literals;

// Answers 198.18.3.<n> on the n-th lookup; lookups after the first wait for `release`.
class SlowResolver : public NameResolver {
 public:
  explicit SlowResolver(std::shared_future<void> release) : release_(std::move(release)) {}
  std::vector<IpAddress> resolve(const std::string&) override {
    const unsigned n = ++calls_;
    if (n > 1) release_.wait();
    return {peer_ip(0xC6120300 + n)};
  }
  std::atomic<unsigned>& calls() { return calls_; }

 private:
  std::shared_future<void> release_;
  std::atomic<unsigned> calls_{0};
};

TEST(BackgroundNameResolver, AnswersFromTheCacheWhileALookupIsSlowThenUpdates) {
  std::promise<void> release;
  auto inner = std::make_unique<SlowResolver>(release.get_future().share());
  SlowResolver& slow = *inner;
  BackgroundNameResolver resolver(std::move(inner));

  EXPECT_EQ(resolver.resolve("relay-c"), std::vector{peer_ip("198.18.3.1")});  // synchronous
  // The second lookup blocks in the background; the caller gets the cached answer now.
  EXPECT_EQ(resolver.resolve("relay-c"), std::vector{peer_ip("198.18.3.1")});
  release.set_value();
  std::vector<IpAddress> answer;
  for (int i = 0; i < 200 && answer != std::vector{peer_ip("198.18.3.2")}; ++i) {
    std::this_thread::sleep_for(10ms);
    answer = resolver.resolve("relay-c");
  }
  EXPECT_EQ(answer, std::vector{peer_ip("198.18.3.2")});
  EXPECT_GE(slow.calls().load(), 2u);
}

TEST(BackgroundNameResolver, DestructionDoesNotWaitForALookupInProgress) {
  std::promise<void> release;
  auto inner = std::make_unique<SlowResolver>(release.get_future().share());
  const auto start = std::chrono::steady_clock::now();
  {
    BackgroundNameResolver resolver(std::move(inner));
    resolver.resolve("relay-c");
    resolver.resolve("relay-c");  // the worker now blocks inside the inner resolver
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  release.set_value();  // let the detached worker finish and drop its share
}

}  // namespace
}  // namespace snowsignal::testing
