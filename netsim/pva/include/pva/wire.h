// Bounds-checked readers and writers for PVA's primitive encodings: fixed-width
// integers in the message's byte order, the compact Size, and String.
// The one place (with header.h) that knows how bytes are laid out, like pvxs' pvaproto.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pva {

enum class ByteOrder : std::uint8_t { kLittle, kBig };

// Size encoding (PVA spec "Sizes"): one byte below 254; 0xFE then a 32-bit size;
// 0xFF alone is null.
inline constexpr std::uint8_t kSizeNull = 0xFF;
inline constexpr std::uint8_t kSizeLong = 0xFE;

// Number of bytes the Size encoding of n takes.
constexpr std::size_t encoded_size_length(std::size_t n) {
  return n < kSizeLong ? 1 : 5;
}

// Reads from a payload; every read fails (returns false) instead of running past the end.
class WireReader {
 public:
  WireReader(std::span<const std::uint8_t> data, ByteOrder order) : data_(data), order_(order) {}

  bool u8(std::uint8_t& out);
  bool u16(std::uint16_t& out);
  bool u32(std::uint32_t& out);
  bool u64(std::uint64_t& out);
  bool bytes(std::size_t n, std::span<const std::uint8_t>& out);
  // A Size; std::nullopt inside means the encoded null (0xFF).
  bool size(std::optional<std::uint32_t>& out);
  // A non-null String. Returns false on truncation; null_seen tells null from truncation.
  bool string(std::string& out, bool& null_seen);

  std::size_t remaining() const { return data_.size() - pos_; }
  std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }
  ByteOrder order() const { return order_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  ByteOrder order_;
};

// Appends to a byte vector.
class WireWriter {
 public:
  WireWriter(std::vector<std::uint8_t>& out, ByteOrder order) : out_(out), order_(order) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void size(std::size_t n);
  void null_size() { out_.push_back(kSizeNull); }
  void string(std::string_view s);

  ByteOrder order() const { return order_; }

 private:
  std::vector<std::uint8_t>& out_;
  ByteOrder order_;
};

}  // namespace pva
