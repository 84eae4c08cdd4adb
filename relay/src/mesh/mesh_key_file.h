// Reads the mesh key file (--mesh-key-file / MESH_KEY_FILE) and refuses one that other
// users could read: a shared secret in a world-readable file is not a secret. Plain
// file I/O, so that Docker and Kubernetes secrets mounted as files work as they are.
#pragma once

#include <string>

#include "mesh_keys.h"

namespace snowsignal {

// Files larger than this are not key files; refused without reading them whole.
inline constexpr long kMaxMeshKeyFileBytes = 64 * 1024;

// The keys, or one line of error (without the path, which the caller adds).
MeshKeysOutcome load_mesh_key_file(const std::string& path);

}  // namespace snowsignal
