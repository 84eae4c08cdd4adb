// Private helpers shared by the message codecs: a reader with a sticky first error,
// so each decoder reads like the field table it implements, and a message builder
// that fills in the header's size once the payload is known.
#pragma once

#include <optional>

#include "pva/codec.h"

namespace pva::detail {

class FieldReader {
 public:
  FieldReader(ByteView payload, ByteOrder order) : r_(payload, order) {}

  void u8(std::uint8_t& v) { check(r_.u8(v)); }
  void u16(std::uint16_t& v) { check(r_.u16(v)); }
  void u32(std::uint32_t& v) { check(r_.u32(v)); }
  void string(std::string& s) {
    if (err_) return;
    bool null_seen = false;
    if (!r_.string(s, null_seen))
      err_ = null_seen ? DecodeError::kUnexpectedNull : DecodeError::kTruncatedField;
  }
  // A Size used as a count; null is not allowed here.
  void count(std::uint32_t& n) {
    if (err_) return;
    std::optional<std::uint32_t> s;
    if (!r_.size(s)) {
      err_ = DecodeError::kTruncatedField;
    } else if (!s) {
      err_ = DecodeError::kUnexpectedNull;
    } else {
      n = *s;
    }
  }
  // Size count then that many Strings (search protocols, auth methods). Each String
  // takes at least one byte: the loop is bounded by what is left, never by the count
  // alone, so a hostile count cannot make us allocate or spin.
  void string_list(std::vector<std::string>& out) {
    std::uint32_t n = 0;
    count(n);
    for (std::uint32_t i = 0; i < n && !err_; ++i) {
      if (remaining() == 0) {
        err_ = DecodeError::kTruncatedField;
        return;
      }
      string(out.emplace_back());
    }
  }
  template <std::size_t N>
  void fixed(std::array<std::uint8_t, N>& out) {
    if (err_) return;
    ByteView b;
    if (!r_.bytes(N, b)) {
      err_ = DecodeError::kTruncatedField;
      return;
    }
    std::copy(b.begin(), b.end(), out.begin());
  }
  void address(Address& a) { fixed(a.bytes); }
  // The rest of the payload, raw (typed values we do not interpret).
  void rest(std::vector<std::uint8_t>& out) {
    if (err_) return;
    ByteView b;
    r_.bytes(r_.remaining(), b);
    out.assign(b.begin(), b.end());
  }

  // Status (PVA spec "Status"): type 0xFF alone, else type, message, call tree.
  void status(Status& st) {
    u8(st.type);
    if (err_ || st.ok()) return;
    string(st.message);
    string(st.call_tree);
  }
  // For codecs that read with WireReader directly (pvData); fail() records why.
  WireReader& reader() { return r_; }
  void fail(DecodeError e) {
    if (!err_) err_ = e;
  }

  std::size_t remaining() const { return r_.remaining(); }
  bool failed() const { return err_.has_value(); }
  DecodeError error() const { return *err_; }

 private:
  void check(bool ok) {
    if (!err_ && !ok) err_ = DecodeError::kTruncatedField;
  }
  WireReader r_;
  std::optional<DecodeError> err_;
};

template <typename Body>
Bytes build_message(std::uint8_t cmd, bool from_server, ByteOrder order, Body&& body) {
  Bytes out;
  out.reserve(64);
  append_header(out, Header{kVersion, message_flags(order, from_server), cmd, 0});
  WireWriter w(out, order);
  body(w);
  // Patch the size now that the payload is written.
  Bytes size_field;
  WireWriter(size_field, order).u32(static_cast<std::uint32_t>(out.size() - kHeaderSize));
  std::copy(size_field.begin(), size_field.end(), out.begin() + 4);
  return out;
}

}  // namespace pva::detail
