// Mesh format v2: the layout of relay/README.md to the byte, and every refusal.
#include "mesh_v2_codec.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "frames.h"
#include "mesh_codec.h"

namespace snowsignal::testing {
namespace {

std::vector<MeshKey> keys(std::initializer_list<std::pair<std::uint8_t, Byte>> ids_and_fill) {
  std::vector<MeshKey> out;
  for (const auto& [id, fill] : ids_and_fill) out.push_back({id, Bytes(32, fill)});
  return out;
}

MeshV2Header header(std::uint8_t key_id = 7) {
  return {MeshV2Type::kFrames, key_id, 0x1122334455667788ULL, 0x0102030405060708ULL, 42};
}

Bytes build_frames(const MeshKeyring& ring, const std::vector<Bytes>& frames,
                   MeshV2Header h = header()) {
  static std::array<Byte, kMaxMeshPayload> buffer{};
  MeshV2Builder builder(buffer);
  for (const Bytes& frame : frames) EXPECT_TRUE(builder.add_frame(frame));
  h.key_id = ring.send_key_id();
  const auto datagram = builder.finish(h, ring.send_mac());
  return Bytes(datagram.begin(), datagram.end());
}

TEST(HmacSha256, MatchesRfc4231TestCase2) {
  const std::string key = "Jefe";
  const std::string data = "what do ya want for nothing?";
  const HmacSha256 mac(Bytes(key.begin(), key.end()));
  const MeshMac code = mac.compute(Bytes(data.begin(), data.end()));
  const MeshMac expected = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
                            0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
                            0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
  EXPECT_EQ(code, expected);
  // Computing twice with one context gives the same answer (the re-init keeps the key).
  EXPECT_EQ(mac.compute(Bytes(data.begin(), data.end())), expected);
}

TEST(MeshV2Codec, LaysOutTheHeaderFramesAndMacAsDocumented) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  const Bytes frame = build_frame();
  const Bytes d = build_frames(ring, {frame});
  ASSERT_EQ(d.size(), 32 + 2 + frame.size() + 32);
  const Bytes head(d.begin(), d.begin() + 32);
  const Bytes expected_head = {
      0x53, 0x6E, 2,    1,    7,    0,    0,    0,     // magic, version, type, key
      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,  // sender
      1,    2,    3,    4,    5,    6,    7,    8,     // boot
      0,    0,    0,    0,    0,    0,    0,    42};   // sequence
  EXPECT_EQ(head, expected_head);
  EXPECT_EQ(d[32], frame.size() >> 8);
  EXPECT_EQ(d[33], frame.size() & 0xFF);
  EXPECT_EQ(Bytes(d.begin() + 34, d.begin() + 34 + static_cast<std::ptrdiff_t>(frame.size())),
            frame);
  const HmacSha256 independent(Bytes(32, 0xAB));
  const MeshMac mac = independent.compute({d.data(), d.size() - 32});
  EXPECT_EQ(Bytes(d.end() - 32, d.end()), Bytes(mac.begin(), mac.end()));
}

TEST(MeshV2Codec, NeitherFormatCanBeMistakenForTheOther) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  const Bytes v2 = build_frames(ring, {build_frame()});
  EXPECT_FALSE(decode_mesh_v1(v2)) << "a v1 receiver must not read v2 as SS+frame";
  const Bytes v1 = mesh_v1(build_frame());
  EXPECT_FALSE(has_mesh_v2_magic(v1));
  EXPECT_EQ(decode_mesh_v2(v1, ring).refusal, DropReason::kBadMagic);
}

TEST(MeshV2Codec, BatchesSeveralFramesAndDecodesThemInOrder) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  FrameSpec second;
  second.payload = Bytes(300, 0x11);
  const std::vector<Bytes> frames = {build_frame(), build_frame(second), build_frame()};
  const Bytes d = build_frames(ring, frames);
  const MeshV2Decoded decoded = decode_mesh_v2(d, ring);
  ASSERT_FALSE(decoded.refusal) << drop_reason_name(*decoded.refusal);
  EXPECT_EQ(decoded.header.sender, header().sender);
  EXPECT_EQ(decoded.header.boot, header().boot);
  EXPECT_EQ(decoded.header.sequence, 42u);
  EXPECT_EQ(decoded.header.type, MeshV2Type::kFrames);
  MeshV2Frames walk(decoded.body);
  for (const Bytes& frame : frames) {
    const auto got = walk.next();
    ASSERT_TRUE(got);
    EXPECT_EQ(Bytes(got->begin(), got->end()), frame);
  }
  EXPECT_FALSE(walk.next());
}

TEST(MeshV2Codec, BuilderReportsSizesAndRefusesWhatDoesNotFit) {
  std::array<Byte, 200> buffer{};
  MeshV2Builder builder(buffer);
  EXPECT_EQ(builder.size(), 0u);
  EXPECT_EQ(builder.size_with(100), 64u + 2 + 100);
  EXPECT_TRUE(builder.add_frame(Bytes(100, 1)));
  EXPECT_EQ(builder.size(), 64u + 2 + 100);
  EXPECT_FALSE(builder.add_frame(Bytes(40, 1))) << "200-byte buffer: 166 + 42 does not fit";
  EXPECT_TRUE(builder.add_frame(Bytes(32, 1)));
  EXPECT_EQ(builder.size(), 200u);
  EXPECT_FALSE(builder.add_frame({}));
  builder.clear();
  EXPECT_EQ(builder.frames(), 0u);
  const MeshKeyring ring(keys({{1, 1}}));
  EXPECT_TRUE(builder.finish(header(), ring.send_mac()).empty());
}

TEST(MeshV2Codec, HeartbeatAndReplyCarryTheTimestamp) {
  const MeshKeyring ring(keys({{3, 0x33}}));
  for (MeshV2Type type : {MeshV2Type::kHeartbeat, MeshV2Type::kHeartbeatReply}) {
    std::array<Byte, kMeshV2HeartbeatSize> out{};
    MeshV2Header h = header(3);
    h.type = type;
    ASSERT_EQ(encode_mesh_v2_heartbeat(h, 0xDEADBEEFCAFEULL, ring.send_mac(), out), 72u);
    EXPECT_EQ(out[3], static_cast<Byte>(type));
    const MeshV2Decoded decoded = decode_mesh_v2(out, ring);
    ASSERT_FALSE(decoded.refusal);
    EXPECT_EQ(decoded.header.type, type);
    EXPECT_EQ(decoded.timestamp, 0xDEADBEEFCAFEULL);
  }
  std::array<Byte, kMeshV2HeartbeatSize - 1> small{};
  EXPECT_EQ(encode_mesh_v2_heartbeat(header(3), 1, ring.send_mac(), small), 0u);
}

TEST(MeshV2Codec, AcceptsEveryKeyOfTheFileAndSignsWithTheFirst) {
  const MeshKeyring old_first(keys({{1, 0x01}, {2, 0x02}}));
  const MeshKeyring new_first(keys({{2, 0x02}, {1, 0x01}}));
  const MeshKeyring only_new(keys({{2, 0x02}}));
  const Bytes from_old = build_frames(old_first, {build_frame()});
  EXPECT_EQ(from_old[4], 1);
  EXPECT_FALSE(decode_mesh_v2(from_old, new_first).refusal);
  EXPECT_EQ(decode_mesh_v2(from_old, only_new).refusal, DropReason::kUnknownKey);
  const Bytes from_new = build_frames(new_first, {build_frame()});
  EXPECT_FALSE(decode_mesh_v2(from_new, old_first).refusal);
  EXPECT_FALSE(decode_mesh_v2(from_new, only_new).refusal);
}

TEST(MeshV2Codec, EveryByteChangedAnywhereIsABadMacOrRefusedBeforeIt) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  const Bytes good = build_frames(ring, {build_frame()});
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    const auto refusal = decode_mesh_v2(bad, ring).refusal;
    ASSERT_TRUE(refusal) << "byte " << i << " changed and accepted";
    if (i >= 8) {
      EXPECT_EQ(*refusal, DropReason::kBadMac) << "byte " << i;
    }
  }
}

TEST(MeshV2Codec, EachRefusalHasItsReason) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  const Bytes good = build_frames(ring, {build_frame()});
  Bytes version = good;
  version[2] = 3;
  EXPECT_EQ(decode_mesh_v2(version, ring).refusal, DropReason::kBadVersion);
  EXPECT_EQ(decode_mesh_v2(Bytes{0x53, 0x6E}, ring).refusal, DropReason::kBadVersion);
  EXPECT_EQ(decode_mesh_v2(Bytes(good.begin(), good.begin() + 63), ring).refusal,
            DropReason::kMalformedV2);
  Bytes reserved = good;
  reserved[6] = 1;
  EXPECT_EQ(decode_mesh_v2(reserved, ring).refusal, DropReason::kMalformedV2);
  Bytes key = good;
  key[4] = 8;
  EXPECT_EQ(decode_mesh_v2(key, ring).refusal, DropReason::kUnknownKey);
  Bytes forged = good;
  forged[40] ^= 0xFF;
  EXPECT_EQ(decode_mesh_v2(forged, ring).refusal, DropReason::kBadMac);
  const MeshKeyring other(keys({{7, 0xCD}}));
  EXPECT_EQ(decode_mesh_v2(good, other).refusal, DropReason::kBadMac) << "same id, other key";
}

// Authenticated but malformed bodies: a key holder's bug, refused as malformed_v2.
Bytes sign(const MeshKeyring& ring, Bytes unsigned_datagram) {
  const MeshMac mac = ring.send_mac().compute(unsigned_datagram);
  unsigned_datagram.insert(unsigned_datagram.end(), mac.begin(), mac.end());
  return unsigned_datagram;
}

Bytes raw_header(Byte type, Byte key_id) {
  Bytes h(32, 0);
  h[0] = 0x53, h[1] = 0x6E, h[2] = 2, h[3] = type, h[4] = key_id;
  return h;
}

TEST(MeshV2Codec, AuthenticatedButMalformedBodiesAreRefused) {
  const MeshKeyring ring(keys({{7, 0xAB}}));
  const auto with_body = [&](Byte type, Bytes body) {
    Bytes d = raw_header(type, 7);
    d.insert(d.end(), body.begin(), body.end());
    return decode_mesh_v2(sign(ring, d), ring).refusal;
  };
  EXPECT_EQ(with_body(1, {}), DropReason::kMalformedV2) << "no frame";
  EXPECT_EQ(with_body(1, {0, 0}), DropReason::kMalformedV2) << "zero-length frame";
  EXPECT_EQ(with_body(1, {0, 5, 1, 2}), DropReason::kMalformedV2) << "record past the end";
  EXPECT_EQ(with_body(1, {0, 1, 9, 0}), DropReason::kMalformedV2) << "trailing byte";
  EXPECT_FALSE(with_body(1, {0, 1, 9}));
  EXPECT_EQ(with_body(2, {1, 2, 3}), DropReason::kMalformedV2) << "short heartbeat";
  EXPECT_EQ(with_body(3, Bytes(9, 0)), DropReason::kMalformedV2) << "long reply";
  EXPECT_EQ(with_body(0, Bytes(8, 0)), DropReason::kMalformedV2) << "type 0";
  EXPECT_FALSE(with_body(4, Bytes(8, 0))) << "type 4: a role announcement";
  EXPECT_EQ(with_body(4, Bytes(7, 0)), DropReason::kMalformedV2) << "short role";
  EXPECT_EQ(with_body(5, Bytes(8, 0)), DropReason::kMalformedV2) << "type 5";
}

}  // namespace
}  // namespace snowsignal::testing
