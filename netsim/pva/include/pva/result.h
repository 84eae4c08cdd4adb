// Decode results: a value or a named reason, never an exception (the decoders sit on
// the hot path of a server that must survive any datagram a network can deliver).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

namespace pva {

// Why a message was rejected. Each reason maps to one rule of the PVA wire format
// (see /work/shared/pva-notes.md and pvxs src/pvaproto.h, src/udp_collector.cpp).
enum class DecodeError : std::uint8_t {
  kTruncatedHeader,   // fewer than 8 bytes where a header must start
  kBadMagic,          // byte 0 is not 0xCA
  kBadVersion,        // version 0: pvxs ignores such messages
  kSizeBeyondData,    // header payload size larger than the bytes left
  kControlOnUdp,      // control messages (flag 0x01) are TCP-only
  kSegmentedOnUdp,    // segmented messages (flags 0x30) are TCP-only
  kTruncatedField,    // a field runs past the end of the payload
  kUnexpectedNull,    // Size 0xFF (null) where a value is required
  kMessageTooLarge,   // TCP frame larger than we are willing to buffer
  kUnsupportedType,   // a pvData type code we do not speak (arrays, unions, any)
  kUnknownTypeCache,  // 0xFE names a type-cache slot never filled by 0xFD
  kTypeTooDeep,       // structures nested beyond kMaxTypeDepth (hostile input)
  kTrailingBytes,     // bytes left after a message whose layout is fully known
};

// Stable, greppable names: they appear in logs and in test names.
constexpr std::string_view reason_name(DecodeError e) {
  switch (e) {
    case DecodeError::kTruncatedHeader:
      return "truncated-header";
    case DecodeError::kBadMagic:
      return "bad-magic";
    case DecodeError::kBadVersion:
      return "bad-version";
    case DecodeError::kSizeBeyondData:
      return "size-beyond-data";
    case DecodeError::kControlOnUdp:
      return "control-on-udp";
    case DecodeError::kSegmentedOnUdp:
      return "segmented-on-udp";
    case DecodeError::kTruncatedField:
      return "truncated-field";
    case DecodeError::kUnexpectedNull:
      return "unexpected-null";
    case DecodeError::kMessageTooLarge:
      return "message-too-large";
    case DecodeError::kUnsupportedType:
      return "unsupported-type";
    case DecodeError::kUnknownTypeCache:
      return "unknown-type-cache";
    case DecodeError::kTypeTooDeep:
      return "type-too-deep";
    case DecodeError::kTrailingBytes:
      return "trailing-bytes";
  }
  return "unknown";
}

// A minimal expected<T, DecodeError>: std::expected is C++23 and we build as C++20.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(DecodeError error) : v_(error) {}   // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &std::get<T>(v_); }
  T* operator->() { return &std::get<T>(v_); }
  // Only meaningful when !ok().
  DecodeError error() const { return std::get<DecodeError>(v_); }

 private:
  std::variant<T, DecodeError> v_;
};

}  // namespace pva
