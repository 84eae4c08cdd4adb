#include "pva/wire.h"

namespace pva {

bool WireReader::u8(std::uint8_t& out) {
  if (remaining() < 1) return false;
  out = data_[pos_++];
  return true;
}

bool WireReader::u16(std::uint16_t& out) {
  if (remaining() < 2) return false;
  const std::uint16_t a = data_[pos_], b = data_[pos_ + 1];
  out = order_ == ByteOrder::kBig ? static_cast<std::uint16_t>(a << 8 | b)
                                  : static_cast<std::uint16_t>(b << 8 | a);
  pos_ += 2;
  return true;
}

bool WireReader::u32(std::uint32_t& out) {
  if (remaining() < 4) return false;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t idx = order_ == ByteOrder::kBig ? i : 3 - i;
    v = v << 8 | data_[pos_ + idx];
  }
  out = v;
  pos_ += 4;
  return true;
}

bool WireReader::u64(std::uint64_t& out) {
  if (remaining() < 8) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t idx = order_ == ByteOrder::kBig ? i : 7 - i;
    v = v << 8 | data_[pos_ + idx];
  }
  out = v;
  pos_ += 8;
  return true;
}

bool WireReader::bytes(std::size_t n, std::span<const std::uint8_t>& out) {
  if (remaining() < n) return false;
  out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool WireReader::size(std::optional<std::uint32_t>& out) {
  std::uint8_t first = 0;
  if (!u8(first)) return false;
  if (first == kSizeNull) {
    out.reset();
    return true;
  }
  if (first < kSizeLong) {
    out = first;
    return true;
  }
  std::uint32_t big = 0;
  if (!u32(big)) return false;
  out = big;
  return true;
}

bool WireReader::string(std::string& out, bool& null_seen) {
  null_seen = false;
  std::optional<std::uint32_t> n;
  if (!size(n)) return false;
  if (!n) {
    null_seen = true;
    return false;
  }
  std::span<const std::uint8_t> b;
  if (!bytes(*n, b)) return false;
  out.assign(b.begin(), b.end());
  return true;
}

void WireWriter::u16(std::uint16_t v) {
  if (order_ == ByteOrder::kBig) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  } else {
    out_.push_back(static_cast<std::uint8_t>(v));
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
  }
}

void WireWriter::u32(std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    const int shift = order_ == ByteOrder::kBig ? 24 - 8 * i : 8 * i;
    out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}

void WireWriter::u64(std::uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    const int shift = order_ == ByteOrder::kBig ? 56 - 8 * i : 8 * i;
    out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}

void WireWriter::size(std::size_t n) {
  if (n < kSizeLong) {
    out_.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  out_.push_back(kSizeLong);
  u32(static_cast<std::uint32_t>(n));
}

void WireWriter::string(std::string_view s) {
  size(s.size());
  out_.insert(out_.end(), s.begin(), s.end());
}

}  // namespace pva
