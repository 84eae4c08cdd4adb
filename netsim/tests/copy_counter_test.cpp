#include "netsim/copy_counter.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

TEST(CopyCounter, SameSourcePortAndPayloadAreCopies) {
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.000);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.001);
  c.add(0xC6120A0A, 40000, {1, 2, 4}, 10.001);  // other payload
  c.add(0xC6120A0A, 40001, {1, 2, 3}, 10.001);  // other port
  c.add(0xC6120A0B, 40000, {1, 2, 3}, 10.001);  // other source
  CopyStats s = c.stats();
  EXPECT_EQ(s.frames, 5);
  EXPECT_EQ(s.datagrams, 4);
  EXPECT_EQ(s.max_copies, 2);
  EXPECT_EQ(s.worst, "198.18.10.10:40000 (3 bytes)");
}

TEST(CopyCounter, ARetransmissionAfterTheWindowIsANewSendingNotACopy) {
  // PVA clients repeat an unanswered search byte for byte (pvxs and our pva-client):
  // 0.6 s later it is the client sending again, not a relay duplicating.
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.0);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.6);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 11.6);
  CopyStats s = c.stats();
  EXPECT_EQ(s.frames, 3);
  EXPECT_EQ(s.datagrams, 1);
  EXPECT_EQ(s.max_copies, 1);
}

TEST(CopyCounter, ABurstOfCopiesWithinTheWindowCountsWhateverCameBefore) {
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {9}, 10.0);
  for (int i = 0; i < 4; ++i) c.add(0xC6120A0A, 40000, {9}, 20.0 + i * 0.01);
  EXPECT_EQ(c.stats().max_copies, 4);
}

TEST(CopyCounter, EmptyCaptureHasNoCopies) {
  CopyStats s = CopyCounter{}.stats();
  EXPECT_EQ(s.frames, 0);
  EXPECT_EQ(s.max_copies, 0);
}

}  // namespace
}  // namespace netsim
