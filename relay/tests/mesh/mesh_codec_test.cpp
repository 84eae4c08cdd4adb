// Mesh format v1: exactly "SS" + the Ethernet frame, as Python SnowSignal 0.1.1 sends it.
#include "mesh_codec.h"

#include <gtest/gtest.h>

#include <array>

#include "frames.h"

namespace snowsignal::testing {
namespace {

TEST(MeshCodec, EncodesExactlySSFollowedByTheFrame) {
  const Bytes frame = build_frame();
  std::array<Byte, kMaxMeshPayload> out{};
  const std::size_t size = encode_mesh_v1(frame, out);
  ASSERT_EQ(size, frame.size() + 2);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)), mesh_v1(frame));
  EXPECT_EQ(out[0], 0x53);
  EXPECT_EQ(out[1], 0x53);
}

TEST(MeshCodec, DecodesADatagramAsPythonSnowSignalBuildsIt) {
  // SnowSignal: sock.sendto(b"SS" + raw_frame_bytes, (peer, mesh_port))
  const Bytes frame = build_frame();
  const Bytes datagram = mesh_v1(frame);
  const auto decoded = decode_mesh_v1(datagram);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(Bytes(decoded->begin(), decoded->end()), frame);
}

TEST(MeshCodec, RoundTripsAFullSizeFrame) {
  FrameSpec spec;
  spec.payload = Bytes(1472, 0x5a);
  const Bytes frame = build_frame(spec);
  ASSERT_EQ(frame.size(), 1514u);
  std::array<Byte, kMaxMeshPayload> out{};
  const std::size_t size = encode_mesh_v1(frame, out);
  const auto decoded = decode_mesh_v1({out.data(), size});
  ASSERT_TRUE(decoded);
  EXPECT_EQ(Bytes(decoded->begin(), decoded->end()), frame);
}

TEST(MeshCodec, RejectsDatagramWithoutMagic) {
  const Bytes frame = build_frame();
  Bytes datagram = mesh_v1(frame);
  datagram[1] = 'X';
  EXPECT_FALSE(decode_mesh_v1(datagram));
  EXPECT_FALSE(decode_mesh_v1(frame));
}

TEST(MeshCodec, RejectsDatagramShorterThanMagic) {
  const Bytes one = {'S'};
  EXPECT_FALSE(decode_mesh_v1(one));
  EXPECT_FALSE(decode_mesh_v1({}));
}

TEST(MeshCodec, RefusesToEncodeFrameThatCannotFitOneUdpDatagram) {
  const Bytes frame(kMaxMeshFrame + 1, 0);
  std::array<Byte, kMaxMeshPayload> out{};
  EXPECT_EQ(encode_mesh_v1(frame, out), 0u);
  const Bytes largest(kMaxMeshFrame, 0);
  EXPECT_EQ(encode_mesh_v1(largest, out), kMaxMeshPayload);
}

TEST(MeshCodec, RefusesToEncodeIntoTooSmallBuffer) {
  const Bytes frame = build_frame();
  std::vector<Byte> out(frame.size() + 1);
  EXPECT_EQ(encode_mesh_v1(frame, out), 0u);
}

}  // namespace
}  // namespace snowsignal::testing
