#include "pva/tcp_stream.h"

namespace pva {

Result<std::optional<TcpFrame>> next_tcp_frame(std::span<const std::uint8_t> stream) {
  if (stream.size() < kHeaderSize) {
    // Check what we have so garbage is rejected early rather than buffered.
    if (!stream.empty() && stream[0] != kMagic) return DecodeError::kBadMagic;
    return std::optional<TcpFrame>{};
  }
  auto h = decode_header(stream);
  if (!h) return h.error();
  if (h->is_control()) return std::optional<TcpFrame>{TcpFrame{*h, {}, kHeaderSize}};
  if (h->size > kMaxTcpPayload) return DecodeError::kMessageTooLarge;
  if (stream.size() - kHeaderSize < h->size) return std::optional<TcpFrame>{};
  return std::optional<TcpFrame>{
      TcpFrame{*h, stream.subspan(kHeaderSize, h->size), kHeaderSize + h->size}};
}

}  // namespace pva
