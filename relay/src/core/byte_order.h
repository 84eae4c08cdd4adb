// Big-endian (network order, RFC 791 "Appendix B") field access on raw frame bytes.
#pragma once

#include <cstdint>

#include "snowsignal/net_types.h"

namespace snowsignal {

inline std::uint16_t load_be16(const Byte* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

inline std::uint32_t load_be32(const Byte* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

inline void store_be16(Byte* p, std::uint16_t v) {
  p[0] = static_cast<Byte>(v >> 8);
  p[1] = static_cast<Byte>(v);
}

inline void store_be32(Byte* p, std::uint32_t v) {
  p[0] = static_cast<Byte>(v >> 24);
  p[1] = static_cast<Byte>(v >> 16);
  p[2] = static_cast<Byte>(v >> 8);
  p[3] = static_cast<Byte>(v);
}

}  // namespace snowsignal
