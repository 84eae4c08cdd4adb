#include "netsim/copy_counter.h"

#include <gtest/gtest.h>

namespace netsim {
namespace {

TEST(CopyCounter, SameSourcePortAndPayloadAreCopies) {
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {1, 2, 3});
  c.add(0xC6120A0A, 40000, {1, 2, 3});
  c.add(0xC6120A0A, 40000, {1, 2, 4});  // other payload
  c.add(0xC6120A0A, 40001, {1, 2, 3});  // other port
  c.add(0xC6120A0B, 40000, {1, 2, 3});  // other source
  CopyStats s = c.stats();
  EXPECT_EQ(s.frames, 5);
  EXPECT_EQ(s.datagrams, 4);
  EXPECT_EQ(s.max_copies, 2);
  EXPECT_EQ(s.worst, "198.18.10.10:40000 (3 bytes)");
}

TEST(CopyCounter, EmptyCaptureHasNoCopies) {
  CopyStats s = CopyCounter{}.stats();
  EXPECT_EQ(s.frames, 0);
  EXPECT_EQ(s.max_copies, 0);
}

}  // namespace
}  // namespace netsim
