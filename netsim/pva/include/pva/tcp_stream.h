// Splits a TCP byte stream into PVA messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "pva/header.h"
#include "pva/result.h"

namespace pva {

// We never expect large messages during validation; anything above this is hostile.
inline constexpr std::uint32_t kMaxTcpPayload = 16u * 1024u * 1024u;

struct TcpFrame {
  Header header;
  std::span<const std::uint8_t> payload;  // empty for control messages
  std::size_t consumed = 0;               // bytes to drop from the stream
};

// The first complete message of `stream`; std::nullopt when more bytes are needed.
// Control messages occupy the header only: their size field is a value, not a length.
Result<std::optional<TcpFrame>> next_tcp_frame(std::span<const std::uint8_t> stream);

}  // namespace pva
