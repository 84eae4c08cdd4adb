#include "mesh_mac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

namespace snowsignal {

namespace {

// Fetched once per process: a provider lookup per key would be wasted work.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const algorithm = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (algorithm == nullptr) throw std::runtime_error("OpenSSL: HMAC is not available");
  return algorithm;
}

}  // namespace

HmacSha256::HmacSha256(std::span<const Byte> key) {
  ctx_ = EVP_MAC_CTX_new(hmac_algorithm());
  if (ctx_ == nullptr) throw std::runtime_error("OpenSSL: cannot create an HMAC context");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx_, key.data(), key.size(), params) != 1) {
    EVP_MAC_CTX_free(ctx_);
    throw std::runtime_error("OpenSSL: cannot key HMAC-SHA-256");
  }
}

HmacSha256::~HmacSha256() {
  EVP_MAC_CTX_free(ctx_);
}

MeshMac HmacSha256::compute(std::span<const Byte> data) const {
  MeshMac mac{};
  std::size_t length = 0;
  // A null key re-initialises with the key given at construction (OpenSSL 3 HMAC), so
  // the key schedule (ipad/opad) is not recomputed per message.
  if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx_, data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx_, mac.data(), &length, mac.size()) != 1 || length != mac.size()) {
    throw std::runtime_error("OpenSSL: HMAC-SHA-256 failed");
  }
  return mac;
}

bool HmacSha256::verify(std::span<const Byte> data, std::span<const Byte> mac) const {
  if (mac.size() != kMeshMacSize) return false;
  const MeshMac expected = compute(data);
  return CRYPTO_memcmp(expected.data(), mac.data(), kMeshMacSize) == 0;
}

MeshKeyring::MeshKeyring(const std::vector<MeshKey>& keys) {
  if (keys.empty()) throw std::invalid_argument("MeshKeyring needs at least one key");
  for (const MeshKey& key : keys) {
    entries_.push_back(Entry{key.id, std::make_unique<HmacSha256>(key.secret)});
  }
}

const HmacSha256* MeshKeyring::find(std::uint8_t id) const {
  for (const Entry& entry : entries_) {
    if (entry.id == id) return entry.mac.get();
  }
  return nullptr;
}

}  // namespace snowsignal
