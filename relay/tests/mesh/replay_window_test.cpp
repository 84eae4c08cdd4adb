// The replay window of mesh v2: duplicates, reordering, restarts, old boots.
#include "replay_window.h"

#include <gtest/gtest.h>

namespace snowsignal::testing {
namespace {

const TimePoint t0{std::chrono::seconds(100)};

TEST(ReplayWindow, AcceptsEachSequenceOnceAndRefusesItsReplay) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1, 10, 1, t0));
  EXPECT_FALSE(w.accept(1, 10, 1, t0));
  EXPECT_TRUE(w.accept(1, 10, 2, t0));
  EXPECT_FALSE(w.accept(1, 10, 2, t0));
  EXPECT_FALSE(w.accept(1, 10, 1, t0));
}

TEST(ReplayWindow, AcceptsReorderingWithinSixtyFourAndRefusesOlder) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1, 10, 100, t0));
  EXPECT_TRUE(w.accept(1, 10, 99, t0)) << "late but unseen";
  EXPECT_TRUE(w.accept(1, 10, 37, t0)) << "63 behind";
  EXPECT_FALSE(w.accept(1, 10, 36, t0)) << "64 behind: too old to tell";
  EXPECT_FALSE(w.accept(1, 10, 99, t0));
  EXPECT_TRUE(w.accept(1, 10, 200, t0)) << "a jump forward";
  EXPECT_FALSE(w.accept(1, 10, 100, t0)) << "now out of the window";
  EXPECT_TRUE(w.accept(1, 10, 150, t0));
}

TEST(ReplayWindow, ARestartedSenderIsAcceptedAtOnceAndItsOldBootNeverAgain) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1, 10, 500, t0));
  EXPECT_TRUE(w.accept(1, 11, 1, t0)) << "new boot id starts over at 1";
  EXPECT_TRUE(w.accept(1, 11, 2, t0));
  EXPECT_FALSE(w.accept(1, 10, 501, t0)) << "recorded before the restart";
  EXPECT_FALSE(w.accept(1, 11, 1, t0));
}

TEST(ReplayWindow, SendersHaveSeparateWindows) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1, 10, 5, t0));
  EXPECT_TRUE(w.accept(2, 10, 5, t0));
  EXPECT_FALSE(w.accept(2, 10, 5, t0));
}

TEST(ReplayWindow, AnEarlierBootIsRefusedHowEverLongTheSenderWasSilent) {
  ReplayWindow w;
  EXPECT_TRUE(w.accept(1, 10, 5, t0));
  EXPECT_FALSE(w.accept(1, 9, 1, t0 + std::chrono::hours(24 * 365)));
}

TEST(ReplayWindow, AFullTableForgetsTheSenderHeardFromLongestAgo) {
  ReplayWindow w;
  for (std::uint64_t s = 0; s < ReplayWindow::kSenders; ++s) {
    ASSERT_TRUE(w.accept(s, 1, 1, t0 + std::chrono::seconds(s)));
  }
  EXPECT_TRUE(w.accept(1000, 1, 1, t0 + std::chrono::hours(0) + std::chrono::seconds(300)));
  // Sender 0 was evicted: it starts afresh. Sender 1 is still remembered.
  EXPECT_TRUE(w.accept(0, 1, 1, t0 + std::chrono::seconds(301)));
  EXPECT_FALSE(w.accept(2, 1, 1, t0 + std::chrono::seconds(302)));
}

}  // namespace
}  // namespace snowsignal::testing
