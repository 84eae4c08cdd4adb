// HMAC-SHA-256 (RFC 2104) for mesh format v2, from OpenSSL: a standard construction
// from a well-kept library, no home-made crypto. OpenSSL rather than libsodium because
// its SHA-256 uses the CPU's SHA extensions: ~0.25 us per 100-byte and ~1 us per
// 1400-byte datagram here, four times libsodium 1.0.18's portable code (measured).
// OpenSSL headers stay in the .cpp so the core's other files never see them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "mesh_keys.h"
#include "snowsignal/net_types.h"

struct evp_mac_ctx_st;

namespace snowsignal {

inline constexpr std::size_t kMeshMacSize = 32;
using MeshMac = std::array<Byte, kMeshMacSize>;

class HmacSha256 {
 public:
  // Throws std::runtime_error if OpenSSL cannot provide HMAC-SHA-256.
  explicit HmacSha256(std::span<const Byte> key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  MeshMac compute(std::span<const Byte> data) const;
  // Constant time in the MAC's contents (CRYPTO_memcmp), so timing tells a forger
  // nothing about how many leading bytes were right.
  bool verify(std::span<const Byte> data, std::span<const Byte> mac) const;

 private:
  evp_mac_ctx_st* ctx_ = nullptr;  // keyed once; re-initialised per message
};

// The keys of the key file, ready to sign and verify. keys[0] signs.
class MeshKeyring {
 public:
  explicit MeshKeyring(const std::vector<MeshKey>& keys);
  std::uint8_t send_key_id() const { return entries_.front().id; }
  const HmacSha256& send_mac() const { return *entries_.front().mac; }
  // nullptr when the id is not in the key file.
  const HmacSha256* find(std::uint8_t id) const;

 private:
  struct Entry {
    std::uint8_t id;
    std::unique_ptr<HmacSha256> mac;
  };
  std::vector<Entry> entries_;
};

}  // namespace snowsignal
