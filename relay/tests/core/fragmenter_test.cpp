// Fragmentation at our MTU, checked field by field and by libtins' reassembler.
#include "fragmenter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checksum.h"
#include "frames.h"
#include "mocks.h"

namespace snowsignal::testing {
namespace {

using ::testing::NiceMock;

class RecordingSink : public FrameSink {
 public:
  bool send(std::span<const Byte> frame) override {
    frames.emplace_back(frame.begin(), frame.end());
    return accept;
  }
  const char* last_error() const override { return "refused"; }
  std::vector<Bytes> frames;
  bool accept = true;
};

std::uint16_t be16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

Bytes big_datagram(std::size_t payload) {
  FrameSpec spec;
  spec.payload.resize(payload);
  for (std::size_t i = 0; i < payload; ++i) spec.payload[i] = static_cast<Byte>(i * 13);
  return build_frame(spec);
}

TEST(Fragmenter, SplitsAtTheMtuWithOffsetsIn8ByteUnitsMfFlagsAndValidChecksums) {
  const Bytes whole = big_datagram(60000);
  RecordingSink sink;
  std::vector<Byte> scratch(14 + 1500);
  const FragmentResult result = send_fragmented(whole, 20, 1500, sink, scratch);
  ASSERT_EQ(sink.frames.size(), 41u);  // 60008 bytes of UDP in 1480-byte pieces
  EXPECT_EQ(result.sent, 41u);
  std::size_t expected_offset = 0;
  for (std::size_t i = 0; i < sink.frames.size(); ++i) {
    const Bytes& f = sink.frames[i];
    EXPECT_LE(f.size(), 14u + 1500);
    EXPECT_TRUE(std::equal(f.begin(), f.begin() + 14, whole.begin())) << "Ethernet header";
    EXPECT_EQ(be16(f, 18), be16(whole, 18)) << "identification";
    const std::uint16_t flags = be16(f, 20);
    EXPECT_EQ((flags & 0x2000) != 0, i + 1 < sink.frames.size()) << "MF on all but the last";
    EXPECT_EQ(std::size_t{flags & 0x1fffU} * 8, expected_offset);
    EXPECT_EQ(be16(f, 16), f.size() - 14);
    EXPECT_EQ(ipv4_header_checksum({f.data() + 14, 20}), 0) << "fragment " << i;
    expected_offset += f.size() - 34;
  }
  EXPECT_EQ(expected_offset, 60008u);
  const Bytes reassembled = reassemble_with_libtins(sink.frames);
  ASSERT_EQ(reassembled.size(), whole.size());
  EXPECT_TRUE(std::equal(reassembled.begin() + 34, reassembled.end(), whole.begin() + 34));
}

TEST(Fragmenter, CopiesOnlyOptionsWithTheCopyFlagIntoLaterFragments) {
  // IHL 6: NOP NOP NOP END (none copied): later fragments get a 20-byte header.
  const Bytes with_options = build_frame_with_ip_options(Bytes(3000, 9));
  RecordingSink sink;
  std::vector<Byte> scratch(14 + 1000);
  send_fragmented(with_options, 24, 1000, sink, scratch);
  ASSERT_GE(sink.frames.size(), 2u);
  EXPECT_EQ(sink.frames[0][14], 0x46);
  EXPECT_EQ(sink.frames[1][14], 0x45);
  for (const Bytes& f : sink.frames) {
    EXPECT_EQ(ipv4_header_checksum({f.data() + 14, std::size_t{f[14] & 0x0fU} * 4}), 0);
  }
  const Bytes reassembled = reassemble_with_libtins(sink.frames);
  ASSERT_FALSE(reassembled.empty());
  EXPECT_TRUE(std::equal(reassembled.end() - 3000, reassembled.end(), with_options.end() - 3000));
}

TEST(Fragmenter, ReportsFragmentsTheSinkRefused) {
  RecordingSink sink;
  sink.accept = false;
  std::vector<Byte> scratch(14 + 1500);
  const FragmentResult result = send_fragmented(big_datagram(3000), 20, 1500, sink, scratch);
  EXPECT_EQ(result.sent, 0u);
  EXPECT_EQ(result.failed, 3u);
}

}  // namespace
}  // namespace snowsignal::testing
