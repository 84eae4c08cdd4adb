#include "mesh_v2_codec.h"

#include <algorithm>

namespace snowsignal {

namespace {

constexpr std::size_t kVersionAt = 2;
constexpr std::size_t kTypeAt = 3;
constexpr std::size_t kKeyIdAt = 4;
constexpr std::size_t kReservedAt = 5;
constexpr std::size_t kSenderAt = 8;
constexpr std::size_t kBootAt = 16;
constexpr std::size_t kSequenceAt = 24;
constexpr std::size_t kMaxRecord = 0xFFFF;

void put_u64(Byte* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<Byte>(value & 0xFF);
    value >>= 8;
  }
}

std::uint64_t get_u64(const Byte* in) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}

std::uint16_t get_u16(const Byte* in) {
  return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

void write_header(const MeshV2Header& header, Byte* out) {
  out[0] = kMeshMagicV2[0];
  out[1] = kMeshMagicV2[1];
  out[kVersionAt] = kMeshVersion2;
  out[kTypeAt] = static_cast<Byte>(header.type);
  out[kKeyIdAt] = header.key_id;
  std::fill(out + kReservedAt, out + kSenderAt, Byte{0});
  put_u64(out + kSenderAt, header.sender);
  put_u64(out + kBootAt, header.boot);
  put_u64(out + kSequenceAt, header.sequence);
}

void write_mac(const HmacSha256& mac, Byte* datagram, std::size_t signed_size) {
  const MeshMac code = mac.compute({datagram, signed_size});
  std::copy(code.begin(), code.end(), datagram + signed_size);
}

// Every record has a non-zero length and the records fill the body exactly.
bool frames_well_formed(std::span<const Byte> body) {
  if (body.empty()) return false;
  while (!body.empty()) {
    if (body.size() < kMeshV2RecordHeader) return false;
    const std::size_t length = get_u16(body.data());
    if (length == 0 || body.size() - kMeshV2RecordHeader < length) return false;
    body = body.subspan(kMeshV2RecordHeader + length);
  }
  return true;
}

}  // namespace

bool has_mesh_v2_magic(std::span<const Byte> datagram) {
  return datagram.size() >= kMeshMagicV2.size() &&
         std::equal(kMeshMagicV2.begin(), kMeshMagicV2.end(), datagram.begin());
}

bool MeshV2Builder::add_frame(std::span<const Byte> frame) {
  if (frame.empty() || frame.size() > kMaxRecord) return false;
  if (size_with(frame.size()) > buffer_.size()) return false;
  if (frames_ == 0) size_ = kMeshV2HeaderSize;
  Byte* out = buffer_.data() + size_;
  out[0] = static_cast<Byte>(frame.size() >> 8);
  out[1] = static_cast<Byte>(frame.size() & 0xFF);
  std::copy(frame.begin(), frame.end(), out + kMeshV2RecordHeader);
  size_ += kMeshV2RecordHeader + frame.size();
  ++frames_;
  return true;
}

std::span<const Byte> MeshV2Builder::finish(const MeshV2Header& header, const HmacSha256& mac) {
  if (frames_ == 0) return {};
  MeshV2Header frames_header = header;
  frames_header.type = MeshV2Type::kFrames;
  write_header(frames_header, buffer_.data());
  write_mac(mac, buffer_.data(), size_);
  return buffer_.first(size_ + kMeshMacSize);
}

std::size_t encode_mesh_v2_heartbeat(const MeshV2Header& header, std::uint64_t timestamp,
                                     const HmacSha256& mac, std::span<Byte> out) {
  if (out.size() < kMeshV2HeartbeatSize) return 0;
  write_header(header, out.data());
  put_u64(out.data() + kMeshV2HeaderSize, timestamp);
  write_mac(mac, out.data(), kMeshV2HeaderSize + 8);
  return kMeshV2HeartbeatSize;
}

MeshV2Decoded decode_mesh_v2(std::span<const Byte> datagram, const MeshKeyring& keys) {
  MeshV2Decoded decoded;
  const auto refuse = [&decoded](DropReason reason) {
    decoded.refusal = reason;
    return decoded;
  };
  if (!has_mesh_v2_magic(datagram)) return refuse(DropReason::kBadMagic);
  if (datagram.size() <= kVersionAt || datagram[kVersionAt] != kMeshVersion2) {
    return refuse(DropReason::kBadVersion);
  }
  if (datagram.size() < kMeshV2Overhead) return refuse(DropReason::kMalformedV2);
  if (std::any_of(datagram.begin() + kReservedAt, datagram.begin() + kSenderAt,
                  [](Byte b) { return b != 0; })) {
    return refuse(DropReason::kMalformedV2);
  }
  const HmacSha256* mac = keys.find(datagram[kKeyIdAt]);
  if (mac == nullptr) return refuse(DropReason::kUnknownKey);
  const std::size_t signed_size = datagram.size() - kMeshMacSize;
  if (!mac->verify(datagram.first(signed_size), datagram.subspan(signed_size))) {
    return refuse(DropReason::kBadMac);
  }
  // Authenticated from here on: a malformed body now means a key holder's bug.
  const Byte* d = datagram.data();
  decoded.header.key_id = d[kKeyIdAt];
  decoded.header.sender = get_u64(d + kSenderAt);
  decoded.header.boot = get_u64(d + kBootAt);
  decoded.header.sequence = get_u64(d + kSequenceAt);
  decoded.body = datagram.subspan(kMeshV2HeaderSize, signed_size - kMeshV2HeaderSize);
  switch (d[kTypeAt]) {
    case static_cast<Byte>(MeshV2Type::kFrames):
      decoded.header.type = MeshV2Type::kFrames;
      if (!frames_well_formed(decoded.body)) return refuse(DropReason::kMalformedV2);
      return decoded;
    case static_cast<Byte>(MeshV2Type::kHeartbeat):
    case static_cast<Byte>(MeshV2Type::kHeartbeatReply):
    case static_cast<Byte>(MeshV2Type::kRole):
      decoded.header.type = static_cast<MeshV2Type>(d[kTypeAt]);
      if (decoded.body.size() != 8) return refuse(DropReason::kMalformedV2);
      decoded.timestamp = get_u64(decoded.body.data());
      return decoded;
    default:
      return refuse(DropReason::kMalformedV2);
  }
}

std::optional<std::span<const Byte>> MeshV2Frames::next() {
  if (rest_.size() < kMeshV2RecordHeader) return std::nullopt;
  const std::size_t length = get_u16(rest_.data());
  if (length == 0 || rest_.size() - kMeshV2RecordHeader < length) return std::nullopt;
  const std::span<const Byte> frame = rest_.subspan(kMeshV2RecordHeader, length);
  rest_ = rest_.subspan(kMeshV2RecordHeader + length);
  return frame;
}

}  // namespace snowsignal
