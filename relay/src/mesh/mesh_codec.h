// Mesh format v1, byte-compatible with Python SnowSignal 0.1.1: the UDP payload is the
// two ASCII bytes "SS" followed by the complete Ethernet II frame. Nothing else.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

inline constexpr std::array<Byte, 2> kMeshMagicV1 = {'S', 'S'};
// Largest UDP payload in one IPv4 datagram: 65535 - 20 (IPv4) - 8 (UDP).
inline constexpr std::size_t kMaxMeshPayload = 65507;
inline constexpr std::size_t kMaxMeshFrame = kMaxMeshPayload - kMeshMagicV1.size();

// Writes "SS" + frame into `out`; returns the datagram size, or 0 when the frame is
// larger than kMaxMeshFrame or `out` is too small.
std::size_t encode_mesh_v1(std::span<const Byte> frame, std::span<Byte> out);

// The frame inside a v1 datagram, or nullopt when the "SS" prefix is missing.
std::optional<std::span<const Byte>> decode_mesh_v1(std::span<const Byte> datagram);

}  // namespace snowsignal
