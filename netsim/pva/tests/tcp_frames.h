// Test helper shared by the capture tests: a captured TCP byte stream split completely
// into PVA frames, with a test failure for a frame that does not decode or bytes left over.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "pva/tcp_stream.h"

namespace pva::test {

inline std::vector<TcpFrame> frames_of(const std::vector<std::uint8_t>& stream) {
  std::vector<TcpFrame> out;
  std::span<const std::uint8_t> rest(stream);
  for (;;) {
    auto f = next_tcp_frame(rest);
    EXPECT_TRUE(f.ok());
    if (!f || !f->has_value()) break;
    out.push_back(**f);
    rest = rest.subspan((*f)->consumed);
  }
  EXPECT_TRUE(rest.empty()) << rest.size() << " bytes left over";
  return out;
}

}  // namespace pva::test
