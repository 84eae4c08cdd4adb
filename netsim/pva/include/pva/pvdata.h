// pvData as PVA carries it: type descriptions (introspection), BitSets and values, for
// the types netsim's PVs use (structures and scalars; epics:nt/NTScalar:1.0 double).
// Layouts: PVA spec "Introspection data" / "Data encoding", checked against the pvxs
// 1.5.2 captures fixtures/pva/channel-*.pcap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pva/result.h"
#include "pva/wire.h"

namespace pva {

namespace type_code {
inline constexpr std::uint8_t kBool = 0x00;
inline constexpr std::uint8_t kInt8 = 0x20;  // 0x20..0x23 int8..int64
inline constexpr std::uint8_t kInt32 = 0x22;
inline constexpr std::uint8_t kInt64 = 0x23;
inline constexpr std::uint8_t kUInt8 = 0x24;  // 0x24..0x27 uint8..uint64
inline constexpr std::uint8_t kFloat = 0x42;
inline constexpr std::uint8_t kDouble = 0x43;
inline constexpr std::uint8_t kString = 0x60;
inline constexpr std::uint8_t kStruct = 0x80;
// Type description prefixes (not types): no type; "define cache slot K as the
// description that follows"; "the description in slot K". pvxs 1.5.2 never sends the
// cache forms (see the captures) but decodes them: pvAccessCPP peers do send them.
inline constexpr std::uint8_t kNull = 0xFF;
inline constexpr std::uint8_t kCacheStore = 0xFD;
inline constexpr std::uint8_t kCacheRef = 0xFE;
}  // namespace type_code

// Hostile input could nest structures without end; real NT types nest 2 deep.
inline constexpr int kMaxTypeDepth = 16;

struct Member;

// One node of a type description: a scalar, or a structure (id and members).
struct FieldDesc {
  std::uint8_t code = type_code::kStruct;
  std::string id;               // structures only
  std::vector<Member> members;  // structures only
  bool is_struct() const { return code == type_code::kStruct; }
  bool operator==(const FieldDesc&) const;
};

struct Member {
  std::string name;
  FieldDesc type;
  bool operator==(const Member&) const = default;
};

// Slots filled by 0xFD, per connection and direction.
using TypeCache = std::map<std::uint16_t, FieldDesc>;

// A type description, full form or cache forms; `null_type` is set (and `out` left
// alone) for 0xFF.
bool decode_type(WireReader& r, TypeCache& cache, FieldDesc& out, bool& null_type,
                 DecodeError& err);
// Always the full form, as pvxs sends.
void encode_type(WireWriter& w, const FieldDesc& t);

// epics:nt/NTScalar:1.0 with a double value, member for member as pvxs' mailbox
// server describes it (channel-get.pcap).
FieldDesc nt_scalar_double();

// A type flattened in pre-order: field i is bit i of every BitSet over this type (the
// root structure is bit 0).
struct FlatField {
  std::string path;  // "value", "alarm.severity"; "" for the root
  std::uint8_t code = 0;
  std::size_t end = 0;  // one past the last field of this field's subtree
};
std::vector<FlatField> flatten(const FieldDesc& t);
// Index of the field named `path`, or flat.size().
std::size_t find_field(const std::vector<FlatField>& flat, std::string_view path);

// BitSet (PVA spec "BitSet"): Size count of bytes, then whole 64-bit words in the
// message byte order, then the remaining bytes least significant first. Bits are kept
// as little-endian bytes; the decoded length is kept so re-encoding is byte for byte.
class BitSet {
 public:
  BitSet() = default;
  bool test(std::size_t bit) const;
  void set(std::size_t bit);
  bool empty() const;
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  bool operator==(const BitSet&) const = default;

  bool decode(WireReader& r);
  void encode(WireWriter& w) const;

 private:
  std::vector<std::uint8_t> bytes_;  // no trailing zero bytes unless decoded so
};

// One field's value; structures hold std::monostate.
using Scalar = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string>;

// Values of every field of a flattened type, by field index.
struct PvValue {
  std::vector<Scalar> fields;
  bool operator==(const PvValue&) const = default;
};
// Zero, false, "" everywhere, for a flattened type.
PvValue default_value(const std::vector<FlatField>& flat);

// The fields a BitSet selects: a set bit sends the whole subtree of its field, in
// pre-order, each field once (PVA spec "Partial serialization").
bool decode_fields(WireReader& r, const std::vector<FlatField>& flat, const BitSet& changed,
                   PvValue& v);
void encode_fields(WireWriter& w, const std::vector<FlatField>& flat, const BitSet& changed,
                   const PvValue& v);

// The value as a double when it is numeric.
std::optional<double> as_double(const Scalar& s);

}  // namespace pva
