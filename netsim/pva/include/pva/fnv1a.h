// FNV-1a 64-bit: a cheap fingerprint for datagram payloads, so the server's and the
// client's stats can be compared to spot truncation or rewriting by a relay.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace pva {

std::uint64_t fnv1a64(std::span<const std::uint8_t> data);
// 16 lowercase hex digits.
std::string hex64(std::uint64_t v);
// Lowercase hex of arbitrary bytes (GUIDs).
std::string hex_bytes(std::span<const std::uint8_t> data);

}  // namespace pva
