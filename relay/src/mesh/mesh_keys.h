// The mesh key file (format v2): pure parsing of its text, no file system access. The
// file itself is opened and its permissions checked by mesh_key_file (an adapter).
//
// Format (relay/README.md "Keys"): one key per line, "<key id> <key in hex>", key id
// 0..255, 32..64 key bytes; blank lines and '#' comments ignored; one or two keys. The
// first key signs; every key verifies, so a fleet can rotate without a gap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "snowsignal/net_types.h"

namespace snowsignal {

// HMAC-SHA-256 keys shorter than the hash output weaken it (RFC 2104 section 3).
inline constexpr std::size_t kMinMeshKeyBytes = 32;
inline constexpr std::size_t kMaxMeshKeyBytes = 64;
// Two: the current key and the next (or previous) one during a rotation.
inline constexpr std::size_t kMaxMeshKeys = 2;

struct MeshKey {
  std::uint8_t id = 0;
  std::vector<Byte> secret;
};

struct MeshKeysOutcome {
  std::vector<MeshKey> keys;  // in file order; keys[0] signs
  std::string error;          // empty on success; else one line, never quoting a key
};

MeshKeysOutcome parse_mesh_keys(std::string_view text);

}  // namespace snowsignal
