#include "mesh_codec.h"

#include <algorithm>

namespace snowsignal {

std::size_t encode_mesh_v1(std::span<const Byte> frame, std::span<Byte> out) {
  const std::size_t size = kMeshMagicV1.size() + frame.size();
  if (frame.size() > kMaxMeshFrame || out.size() < size) return 0;
  std::copy(kMeshMagicV1.begin(), kMeshMagicV1.end(), out.begin());
  std::copy(frame.begin(), frame.end(), out.begin() + kMeshMagicV1.size());
  return size;
}

std::optional<std::span<const Byte>> decode_mesh_v1(std::span<const Byte> datagram) {
  if (datagram.size() < kMeshMagicV1.size() ||
      !std::equal(kMeshMagicV1.begin(), kMeshMagicV1.end(), datagram.begin())) {
    return std::nullopt;
  }
  return datagram.subspan(kMeshMagicV1.size());
}

}  // namespace snowsignal
