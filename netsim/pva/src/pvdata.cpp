#include "pva/pvdata.h"

#include <bit>
#include <cstring>

namespace pva {

bool FieldDesc::operator==(const FieldDesc& o) const {
  return code == o.code && id == o.id && members == o.members;
}

namespace {

bool is_scalar(std::uint8_t code) {
  switch (code) {
    case type_code::kBool:
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x27:
    case type_code::kFloat:
    case type_code::kDouble:
    case type_code::kString:
      return true;
    default:
      return false;
  }
}

bool read_string(WireReader& r, std::string& s, DecodeError& err) {
  bool null_seen = false;
  if (r.string(s, null_seen)) return true;
  err = null_seen ? DecodeError::kUnexpectedNull : DecodeError::kTruncatedField;
  return false;
}

bool decode_type_at(WireReader& r, TypeCache& cache, FieldDesc& out, bool& null_type,
                    DecodeError& err, int depth) {
  null_type = false;
  if (depth > kMaxTypeDepth) {
    err = DecodeError::kTypeTooDeep;
    return false;
  }
  std::uint8_t code = 0;
  if (!r.u8(code)) {
    err = DecodeError::kTruncatedField;
    return false;
  }
  if (code == type_code::kNull) {
    null_type = true;
    return true;
  }
  if (code == type_code::kCacheStore || code == type_code::kCacheRef) {
    std::uint16_t key = 0;
    if (!r.u16(key)) {
      err = DecodeError::kTruncatedField;
      return false;
    }
    if (code == type_code::kCacheRef) {
      auto it = cache.find(key);
      if (it == cache.end()) {
        err = DecodeError::kUnknownTypeCache;
        return false;
      }
      out = it->second;
      return true;
    }
    if (!decode_type_at(r, cache, out, null_type, err, depth + 1)) return false;
    if (null_type) {  // a null cannot fill a slot
      err = DecodeError::kUnexpectedNull;
      return false;
    }
    cache[key] = out;
    return true;
  }
  out = FieldDesc{};
  out.code = code;
  if (is_scalar(code)) return true;
  if (code != type_code::kStruct) {
    err = DecodeError::kUnsupportedType;
    return false;
  }
  if (!read_string(r, out.id, err)) return false;
  std::optional<std::uint32_t> n;
  if (!r.size(n)) {
    err = DecodeError::kTruncatedField;
    return false;
  }
  if (!n) {
    err = DecodeError::kUnexpectedNull;
    return false;
  }
  // Each member takes at least 2 bytes: bounded by the data, not by the count.
  for (std::uint32_t i = 0; i < *n; ++i) {
    if (r.remaining() < 2) {
      err = DecodeError::kTruncatedField;
      return false;
    }
    Member m;
    if (!read_string(r, m.name, err)) return false;
    bool member_null = false;
    if (!decode_type_at(r, cache, m.type, member_null, err, depth + 1)) return false;
    if (member_null) {
      err = DecodeError::kUnexpectedNull;
      return false;
    }
    out.members.push_back(std::move(m));
  }
  return true;
}

void flatten_into(const FieldDesc& t, const std::string& path, std::vector<FlatField>& out) {
  const std::size_t me = out.size();
  out.push_back({path, t.code, 0});
  for (const auto& m : t.members)
    flatten_into(m.type, path.empty() ? m.name : path + "." + m.name, out);
  out[me].end = out.size();
}

FieldDesc scalar(std::uint8_t code) {
  FieldDesc d;
  d.code = code;
  return d;
}

FieldDesc structure(std::string id, std::vector<Member> members) {
  FieldDesc d;
  d.id = std::move(id);
  d.members = std::move(members);
  return d;
}

std::size_t scalar_width(std::uint8_t code) {
  if (code == type_code::kBool) return 1;
  if (code == type_code::kFloat) return 4;
  if (code == type_code::kDouble) return 8;
  return std::size_t{1} << (code & 0x03);  // integers: 1, 2, 4, 8 bytes
}

bool decode_scalar(WireReader& r, std::uint8_t code, Scalar& out) {
  if (code == type_code::kString) {
    std::string s;
    bool null_seen = false;
    if (!r.string(s, null_seen)) return false;
    out = std::move(s);
    return true;
  }
  std::uint64_t raw = 0;
  const std::size_t width = scalar_width(code);
  if (width == 1) {
    std::uint8_t v = 0;
    if (!r.u8(v)) return false;
    raw = v;
  } else if (width == 2) {
    std::uint16_t v = 0;
    if (!r.u16(v)) return false;
    raw = v;
  } else if (width == 4) {
    std::uint32_t v = 0;
    if (!r.u32(v)) return false;
    raw = v;
  } else if (!r.u64(raw)) {
    return false;
  }
  if (code == type_code::kBool) {
    out = raw != 0;
  } else if (code == type_code::kDouble) {
    out = std::bit_cast<double>(raw);
  } else if (code == type_code::kFloat) {
    out = static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(raw)));
  } else if (code >= type_code::kUInt8) {
    out = raw;
  } else {
    // Sign-extend from the field's width.
    const unsigned shift = static_cast<unsigned>(64 - 8 * width);
    out = static_cast<std::int64_t>(raw << shift) >> shift;
  }
  return true;
}

std::uint64_t raw_bits(std::uint8_t code, const Scalar& v) {
  if (code == type_code::kDouble) return std::bit_cast<std::uint64_t>(as_double(v).value_or(0));
  if (code == type_code::kFloat)
    return std::bit_cast<std::uint32_t>(static_cast<float>(as_double(v).value_or(0)));
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<std::uint64_t>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::uint64_t>(*d);
  return 0;
}

void encode_scalar(WireWriter& w, std::uint8_t code, const Scalar& v) {
  if (code == type_code::kString) {
    const auto* s = std::get_if<std::string>(&v);
    w.string(s != nullptr ? *s : std::string_view{});
    return;
  }
  const std::uint64_t raw = raw_bits(code, v);
  switch (scalar_width(code)) {
    case 1:
      w.u8(static_cast<std::uint8_t>(raw));
      break;
    case 2:
      w.u16(static_cast<std::uint16_t>(raw));
      break;
    case 4:
      w.u32(static_cast<std::uint32_t>(raw));
      break;
    default:
      w.u64(raw);
  }
}

}  // namespace

bool decode_type(WireReader& r, TypeCache& cache, FieldDesc& out, bool& null_type,
                 DecodeError& err) {
  return decode_type_at(r, cache, out, null_type, err, 0);
}

void encode_type(WireWriter& w, const FieldDesc& t) {
  w.u8(t.code);
  if (!t.is_struct()) return;
  w.string(t.id);
  w.size(t.members.size());
  for (const auto& m : t.members) {
    w.string(m.name);
    encode_type(w, m.type);
  }
}

FieldDesc nt_scalar_double() {
  using namespace type_code;
  return structure("epics:nt/NTScalar:1.0",
                   {{"value", scalar(kDouble)},
                    {"alarm", structure("alarm_t", {{"severity", scalar(kInt32)},
                                                    {"status", scalar(kInt32)},
                                                    {"message", scalar(kString)}})},
                    {"timeStamp", structure("time_t", {{"secondsPastEpoch", scalar(kInt64)},
                                                       {"nanoseconds", scalar(kInt32)},
                                                       {"userTag", scalar(kInt32)}})}});
}

std::vector<FlatField> flatten(const FieldDesc& t) {
  std::vector<FlatField> out;
  flatten_into(t, "", out);
  return out;
}

std::size_t find_field(const std::vector<FlatField>& flat, std::string_view path) {
  for (std::size_t i = 0; i < flat.size(); ++i)
    if (flat[i].path == path) return i;
  return flat.size();
}

bool BitSet::test(std::size_t bit) const {
  return bit / 8 < bytes_.size() && (bytes_[bit / 8] >> (bit % 8) & 1) != 0;
}

void BitSet::set(std::size_t bit) {
  if (bit / 8 >= bytes_.size()) bytes_.resize(bit / 8 + 1, 0);
  bytes_[bit / 8] = static_cast<std::uint8_t>(bytes_[bit / 8] | 1u << (bit % 8));
}

bool BitSet::empty() const {
  for (auto b : bytes_)
    if (b != 0) return false;
  return true;
}

bool BitSet::decode(WireReader& r) {
  std::optional<std::uint32_t> n;
  if (!r.size(n) || !n || *n > r.remaining()) return false;
  bytes_.clear();
  // Whole words travel in the message byte order; store them least significant first.
  for (std::uint32_t i = 0; i + 8 <= *n; i += 8) {
    std::uint64_t word = 0;
    if (!r.u64(word)) return false;
    for (int b = 0; b < 8; ++b) bytes_.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
  }
  for (std::uint32_t i = *n / 8 * 8; i < *n; ++i) {
    std::uint8_t b = 0;
    if (!r.u8(b)) return false;
    bytes_.push_back(b);
  }
  return true;
}

void BitSet::encode(WireWriter& w) const {
  w.size(bytes_.size());
  std::size_t i = 0;
  for (; i + 8 <= bytes_.size(); i += 8) {
    std::uint64_t word = 0;
    for (int b = 7; b >= 0; --b) word = word << 8 | bytes_[i + static_cast<std::size_t>(b)];
    w.u64(word);
  }
  for (; i < bytes_.size(); ++i) w.u8(bytes_[i]);
}

PvValue default_value(const std::vector<FlatField>& flat) {
  PvValue v;
  for (const auto& f : flat) {
    if (f.code == type_code::kStruct) {
      v.fields.emplace_back(std::monostate{});
    } else if (f.code == type_code::kString) {
      v.fields.emplace_back(std::string{});
    } else if (f.code == type_code::kBool) {
      v.fields.emplace_back(false);
    } else if (f.code == type_code::kFloat || f.code == type_code::kDouble) {
      v.fields.emplace_back(0.0);
    } else if (f.code >= type_code::kUInt8) {
      v.fields.emplace_back(std::uint64_t{0});
    } else {
      v.fields.emplace_back(std::int64_t{0});
    }
  }
  return v;
}

bool decode_fields(WireReader& r, const std::vector<FlatField>& flat, const BitSet& changed,
                   PvValue& v) {
  if (v.fields.size() != flat.size()) v = default_value(flat);
  for (std::size_t i = 0; i < flat.size();) {
    if (!changed.test(i)) {
      ++i;
      continue;
    }
    for (std::size_t j = i; j < flat[i].end; ++j)
      if (flat[j].code != type_code::kStruct && !decode_scalar(r, flat[j].code, v.fields[j]))
        return false;
    i = flat[i].end;
  }
  return true;
}

void encode_fields(WireWriter& w, const std::vector<FlatField>& flat, const BitSet& changed,
                   const PvValue& v) {
  for (std::size_t i = 0; i < flat.size();) {
    if (!changed.test(i)) {
      ++i;
      continue;
    }
    for (std::size_t j = i; j < flat[i].end; ++j)
      if (flat[j].code != type_code::kStruct)
        encode_scalar(w, flat[j].code, j < v.fields.size() ? v.fields[j] : Scalar{});
    i = flat[i].end;
  }
}

std::optional<double> as_double(const Scalar& s) {
  if (const auto* d = std::get_if<double>(&s)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&s)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&s)) return static_cast<double>(*u);
  if (const auto* b = std::get_if<bool>(&s)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

}  // namespace pva
