// Warnings about bad input: at most one per key per interval, with the count held back.
#include "rate_limiter.h"

#include <gtest/gtest.h>

namespace snowsignal::testing {
namespace {

using std::chrono::seconds;

const TimePoint kT0{seconds(50)};

TEST(RateLimiter, AdmitsOncePerIntervalAndReportsHowManyItSuppressed) {
  RateLimiter<2> limiter(seconds(10));
  EXPECT_EQ(limiter.admit(0, kT0), 0u);
  EXPECT_EQ(limiter.admit(0, kT0 + seconds(1)), std::nullopt);
  EXPECT_EQ(limiter.admit(0, kT0 + seconds(9)), std::nullopt);
  EXPECT_EQ(limiter.admit(0, kT0 + seconds(10)), 2u);
  EXPECT_EQ(limiter.admit(0, kT0 + seconds(20)), 0u);
}

TEST(RateLimiter, KeysAreIndependent) {
  RateLimiter<2> limiter(seconds(10));
  EXPECT_EQ(limiter.admit(0, kT0), 0u);
  EXPECT_EQ(limiter.admit(1, kT0), 0u);
  EXPECT_EQ(limiter.admit(1, kT0), std::nullopt);
}

}  // namespace
}  // namespace snowsignal::testing
