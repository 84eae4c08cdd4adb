// pvData introspection, BitSets and partial values beyond what the captures show:
// the type-cache forms (0xFD/0xFE, sent by pvAccessCPP peers), big-endian BitSet
// words, and hostile descriptions.
#include "pva/pvdata.h"

#include <gtest/gtest.h>

#include "pva/channel.h"

namespace pva {
namespace {

Bytes type_bytes(const FieldDesc& t, ByteOrder o = ByteOrder::kLittle) {
  Bytes out;
  WireWriter w(out, o);
  encode_type(w, t);
  return out;
}

Result<FieldDesc> decode(const Bytes& b, TypeCache& cache, ByteOrder o = ByteOrder::kLittle) {
  WireReader r(b, o);
  FieldDesc t;
  bool null_type = false;
  DecodeError err{};
  if (!decode_type(r, cache, t, null_type, err)) return err;
  if (null_type) return DecodeError::kUnexpectedNull;
  return t;
}

TEST(TypeDescription, FullFormRoundTripsTheNtScalarDouble) {
  TypeCache cache;
  auto t = decode(type_bytes(nt_scalar_double()), cache);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, nt_scalar_double());
  EXPECT_TRUE(cache.empty());
}

TEST(TypeDescription, CacheStoreFillsASlotThatCacheRefThenReads) {
  // 0xFD key then the description; later 0xFE key alone means the same type.
  Bytes store{0xFD, 0x01, 0x00};
  const auto full = type_bytes(nt_scalar_double());
  store.insert(store.end(), full.begin(), full.end());
  TypeCache cache;
  auto first = decode(store, cache);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, nt_scalar_double());
  auto again = decode(Bytes{0xFE, 0x01, 0x00}, cache);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, nt_scalar_double());
}

TEST(TypeDescription, CacheKeysFollowTheByteOrder) {
  TypeCache cache;
  ASSERT_TRUE(decode(Bytes{0xFD, 0x00, 0x02, 0x43}, cache, ByteOrder::kBig).ok());
  EXPECT_EQ(cache.count(2), 1u);
}

TEST(TypeDescription, CacheRefToAnEmptySlotIsRejected) {
  TypeCache cache;
  auto t = decode(Bytes{0xFE, 0x07, 0x00}, cache);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), DecodeError::kUnknownTypeCache);
}

TEST(TypeDescription, ArraysAndUnionsAreRejectedAsUnsupported) {
  TypeCache cache;
  for (std::uint8_t code : {std::uint8_t{0x4B}, std::uint8_t{0x81}, std::uint8_t{0x82}}) {
    auto t = decode(Bytes{code, 0x00, 0x00}, cache);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error(), DecodeError::kUnsupportedType) << int(code);
  }
}

TEST(TypeDescription, NestingBeyondTheLimitIsRejectedNotRecursedForever) {
  Bytes b;
  for (int i = 0; i < 100; ++i) b.insert(b.end(), {0x80, 0x00, 0x01, 0x01, 'x'});
  b.push_back(0x43);
  TypeCache cache;
  auto t = decode(b, cache);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), DecodeError::kTypeTooDeep);
}

TEST(TypeDescription, AHugeMemberCountWithFewBytesIsTruncatedNotAllocated) {
  TypeCache cache;
  auto t = decode(Bytes{0x80, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0x7F, 0x01, 'a', 0x43}, cache);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), DecodeError::kTruncatedField);
}

TEST(BitSetEncoding, WholeWordsFollowTheMessageByteOrderAndTheTailIsLsbFirst) {
  BitSet b;
  b.set(0);
  b.set(9);   // byte 1
  b.set(64);  // byte 8: past the first whole word
  Bytes le, be;
  WireWriter wl(le, ByteOrder::kLittle), wb(be, ByteOrder::kBig);
  b.encode(wl);
  b.encode(wb);
  EXPECT_EQ(le, (Bytes{9, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0x01}));
  EXPECT_EQ(be, (Bytes{9, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x01}));
  for (auto [bytes, order] : {std::pair{le, ByteOrder::kLittle}, std::pair{be, ByteOrder::kBig}}) {
    WireReader r(bytes, order);
    BitSet d;
    ASSERT_TRUE(d.decode(r));
    EXPECT_EQ(d, b);
    EXPECT_TRUE(d.test(64));
    EXPECT_FALSE(d.test(1));
  }
}

TEST(PartialValues, AStructureBitSendsItsWholeSubtree) {
  const auto flat = flatten(nt_scalar_double());
  auto v = default_value(flat);
  v.fields[find_field(flat, "alarm.severity")] = std::int64_t{2};
  v.fields[find_field(flat, "alarm.message")] = std::string("LOLO");
  FieldsBody body{{}, v};
  body.changed.set(find_field(flat, "alarm"));
  const auto bytes = encode_fields_body(body, flat, ByteOrder::kBig);
  // BitSet {bit 2}, severity, status, message.
  EXPECT_EQ(bytes, (Bytes{1, 0x04, 0, 0, 0, 2, 0, 0, 0, 0, 4, 'L', 'O', 'L', 'O'}));
  auto back = decode_fields_body(bytes, ByteOrder::kBig, flat);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value.fields[find_field(flat, "alarm.message")], Scalar{std::string("LOLO")});
}

TEST(PartialValues, ExtraOrMissingBytesMeanAnotherTypeWasEncoded) {
  const auto flat = flatten(nt_scalar_double());
  // BitSet {value} then a 4-byte int instead of an 8-byte double.
  auto short_body = decode_fields_body(Bytes{1, 0x02, 1, 0, 0, 0}, ByteOrder::kLittle, flat);
  ASSERT_FALSE(short_body.ok());
  EXPECT_EQ(short_body.error(), DecodeError::kTruncatedField);
  // BitSet {value} then a double and a string.
  auto long_body =
      decode_fields_body(Bytes{1, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}, ByteOrder::kLittle, flat);
  ASSERT_FALSE(long_body.ok());
  EXPECT_EQ(long_body.error(), DecodeError::kTrailingBytes);
}

TEST(PvRequest, TheDefaultRequestIsWhatPvxsToolsSend) {
  // channel-get.pcap: struct "" { struct "" {} field }.
  EXPECT_EQ(encode_default_pv_request(ByteOrder::kLittle),
            (Bytes{0x80, 0x00, 0x01, 0x05, 'f', 'i', 'e', 'l', 'd', 0x80, 0x00, 0x00}));
  TypeCache cache;
  // A request with options carries string values after the type.
  Bytes opts{0x80, 0x00, 0x01, 0x01, 'q', 0x60, 0x01, '4'};
  auto r = decode_pv_request(opts, ByteOrder::kLittle, cache);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->members.at(0).name, "q");
}

}  // namespace
}  // namespace pva
