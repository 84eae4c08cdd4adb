// Mesh format v2 (relay/README.md "Mesh format v2" has the layout to the byte): a
// 32-byte header (magic "Sn", version, type, key id, sender id, boot id, sequence), a
// body, and an HMAC-SHA-256 over everything before it. The codec builds and checks
// datagrams; the replay window and what to do with the frames belong to the caller.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "mesh_mac.h"
#include "snowsignal/counters.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

// "Sn": never "SS" (v1), so neither format can be read as the other.
inline constexpr std::array<Byte, 2> kMeshMagicV2 = {0x53, 0x6E};
inline constexpr Byte kMeshVersion2 = 2;
inline constexpr std::size_t kMeshV2HeaderSize = 32;
inline constexpr std::size_t kMeshV2Overhead = kMeshV2HeaderSize + kMeshMacSize;
inline constexpr std::size_t kMeshV2RecordHeader = 2;  // length before each frame
inline constexpr std::size_t kMeshV2HeartbeatSize = kMeshV2Overhead + 8;

// kRole: the sender's part in its segment's election, in the heartbeat layout (its
// 8-byte field: 1 forwarder, 0 standby), so peers send frames to forwarders only.
enum class MeshV2Type : Byte { kFrames = 1, kHeartbeat = 2, kHeartbeatReply = 3, kRole = 4 };

struct MeshV2Header {
  MeshV2Type type = MeshV2Type::kFrames;
  std::uint8_t key_id = 0;
  std::uint64_t sender = 0;
  std::uint64_t boot = 0;
  std::uint64_t sequence = 0;
};

// True when the datagram starts with the v2 magic (whatever follows).
bool has_mesh_v2_magic(std::span<const Byte> datagram);

// Builds one frames datagram in a caller's buffer, frame by frame, then signs it.
// No allocation: the hot path keeps one builder over a fixed buffer.
class MeshV2Builder {
 public:
  explicit MeshV2Builder(std::span<Byte> buffer) : buffer_(buffer) {}

  // Forgets any frames added; the next add_frame starts a new datagram.
  void clear() { size_ = 0, frames_ = 0; }
  std::size_t frames() const { return frames_; }
  // The datagram's size, MAC included, were it finished now (0 when empty).
  std::size_t size() const { return frames_ == 0 ? 0 : size_ + kMeshMacSize; }
  // The size the datagram would have with this frame added.
  std::size_t size_with(std::size_t frame_size) const {
    return (frames_ == 0 ? kMeshV2Overhead : size()) + kMeshV2RecordHeader + frame_size;
  }
  // False (and nothing added) when the frame is empty, longer than 65535 bytes, or
  // does not fit the buffer.
  bool add_frame(std::span<const Byte> frame);
  // Writes the header and the MAC; returns the datagram (empty when no frame).
  std::span<const Byte> finish(const MeshV2Header& header, const HmacSha256& mac);

 private:
  std::span<Byte> buffer_;
  std::size_t size_ = 0;  // header + records so far (MAC not included)
  std::size_t frames_ = 0;
};

// A heartbeat or heartbeat reply carrying `timestamp`; returns its size, or 0 when `out`
// is smaller than kMeshV2HeartbeatSize.
std::size_t encode_mesh_v2_heartbeat(const MeshV2Header& header, std::uint64_t timestamp,
                                     const HmacSha256& mac, std::span<Byte> out);

struct MeshV2Decoded {
  std::optional<DropReason> refusal;  // set: refuse the datagram for this reason
  MeshV2Header header;
  std::span<const Byte> body;   // frames: the records, already checked to be well-formed
  std::uint64_t timestamp = 0;  // heartbeat and reply
};

// Checks a datagram that has the v2 magic: version, size, reserved bytes, key id, MAC
// (constant time), then the body's structure. Refusals: kBadVersion, kMalformedV2,
// kUnknownKey, kBadMac. Only the fixed header is read before the MAC is verified.
MeshV2Decoded decode_mesh_v2(std::span<const Byte> datagram, const MeshKeyring& keys);

// Walks the records of a decoded frames body.
class MeshV2Frames {
 public:
  explicit MeshV2Frames(std::span<const Byte> body) : rest_(body) {}
  std::optional<std::span<const Byte>> next();

 private:
  std::span<const Byte> rest_;
};

}  // namespace snowsignal
