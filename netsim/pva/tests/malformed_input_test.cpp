// Every reject reason, and no crash on any truncation of a valid datagram.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "pva/codec.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"

namespace pva {
namespace {

std::vector<std::uint8_t> valid_search() {
  Search s;
  s.sequence_id = 1;
  s.response_port = 40000;
  s.channels = {{1, "test:pv"}, {2, "other"}};
  return encode_search(s);
}

// The reason a datagram is rejected; std::nullopt (failing the comparison) if accepted.
std::optional<DecodeError> reject_reason(const std::vector<std::uint8_t>& d) {
  auto r = decode_udp_datagram(d);
  if (r) return std::nullopt;
  return r.error();
}

TEST(MalformedDatagram, EmptyOrShortHeaderIsTruncatedHeader) {
  EXPECT_EQ(reject_reason({}), DecodeError::kTruncatedHeader);
  EXPECT_EQ(reject_reason({0xCA, 2, 0x80, 3}), DecodeError::kTruncatedHeader);
}

TEST(MalformedDatagram, WrongMagicIsBadMagic) {
  auto d = valid_search();
  d[0] = 0xCB;
  EXPECT_EQ(reject_reason(d), DecodeError::kBadMagic);
}

TEST(MalformedDatagram, VersionZeroIsBadVersion) {
  auto d = valid_search();
  d[1] = 0;
  EXPECT_EQ(reject_reason(d), DecodeError::kBadVersion);
}

TEST(MalformedDatagram, SizeLargerThanBytesLeftIsSizeBeyondData) {
  auto d = valid_search();
  d[7] = static_cast<std::uint8_t>(d[7] + 1);
  EXPECT_EQ(reject_reason(d), DecodeError::kSizeBeyondData);
  d[4] = 0xFF;  // a 4 GB claim must not be trusted either
  EXPECT_EQ(reject_reason(d), DecodeError::kSizeBeyondData);
}

TEST(MalformedDatagram, ControlMessageOnUdpIsRejected) {
  EXPECT_EQ(reject_reason(encode_set_byte_order(ByteOrder::kBig)), DecodeError::kControlOnUdp);
}

TEST(MalformedDatagram, SegmentedMessageOnUdpIsRejected) {
  for (int seg : {0x10, 0x20, 0x30}) {
    auto d = valid_search();
    d[2] = static_cast<std::uint8_t>(d[2] | seg);
    EXPECT_EQ(reject_reason(d), DecodeError::kSegmentedOnUdp);
  }
}

TEST(MalformedDatagram, FieldRunningPastThePayloadIsTruncatedField) {
  auto d = valid_search();
  // Shrink the payload by one byte consistently: the last name is now cut short.
  d.pop_back();
  d[7] = static_cast<std::uint8_t>(d[7] - 1);
  EXPECT_EQ(reject_reason(d), DecodeError::kTruncatedField);
}

TEST(MalformedDatagram, HostileChannelCountIsTruncatedFieldNotAnAllocation) {
  Search s;
  auto d = encode_search(s);
  d[d.size() - 2] = 0xFF;  // channel count 65535 with no channels following
  d[d.size() - 1] = 0xFF;
  EXPECT_EQ(reject_reason(d), DecodeError::kTruncatedField);
}

TEST(MalformedDatagram, NullProtocolNameIsUnexpectedNull) {
  Search s;
  s.protocols = {"t"};
  auto d = encode_search(s);
  // payload: seq4 flags1 res3 addr16 port2 count1 -> then the protocol's Size.
  d[kHeaderSize + 27] = 0xFF;
  EXPECT_EQ(reject_reason(d), DecodeError::kUnexpectedNull);
}

TEST(MalformedDatagram, TrailingGarbageAfterAValidMessageIsRejected) {
  auto d = valid_search();
  d.push_back(0xCA);
  d.push_back(0x02);
  EXPECT_EQ(reject_reason(d), DecodeError::kTruncatedHeader);
}

TEST(MalformedDatagram, OneBadMessageRejectsTheWholeDatagram) {
  auto d = valid_search();
  auto bad = valid_search();
  bad[0] = 0;
  d.insert(d.end(), bad.begin(), bad.end());
  EXPECT_EQ(reject_reason(d), DecodeError::kBadMagic);
}

TEST(MalformedDatagram, EveryTruncationOfValidMessagesIsRejectedWithoutCrashing) {
  for (const auto& msg :
       {valid_search(), encode_search_response(SearchResponse{}), encode_beacon(Beacon{})}) {
    for (std::size_t len = 0; len < msg.size(); ++len) {
      std::vector<std::uint8_t> cut(msg.begin(), msg.begin() + static_cast<long>(len));
      EXPECT_FALSE(decode_udp_datagram(cut).ok()) << "length " << len;
      // The same bytes with a consistent header size: fields run short instead.
      if (len >= kHeaderSize && msg[3] != command::kBeacon) {  // beacon status is optional
        cut[7] = static_cast<std::uint8_t>(len - kHeaderSize);
        cut[6] = 0;
        auto r = decode_udp_datagram(cut);
        EXPECT_FALSE(r.ok()) << "length " << len;
      }
    }
  }
}

TEST(MalformedPayload, ClientValidationWithNullMethodIsUnexpectedNull) {
  std::vector<std::uint8_t> p{0, 0, 1, 0, 0xFF, 0x7F, 0, 0, 0xFF};
  auto r = decode_client_validation(p, ByteOrder::kLittle);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), DecodeError::kUnexpectedNull);
}

TEST(MalformedPayload, EmptyConnectionValidatedIsTruncatedField) {
  auto r = decode_connection_validated({}, ByteOrder::kLittle);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), DecodeError::kTruncatedField);
}

TEST(TcpStream, PartialHeaderAndPartialPayloadAskForMoreBytes) {
  const auto v = encode_server_validation(ServerValidation{}, ByteOrder::kLittle);
  for (std::size_t len = 1; len < v.size(); ++len) {
    auto f = next_tcp_frame(std::span(v).first(len));
    ASSERT_TRUE(f.ok()) << len;
    EXPECT_FALSE(f->has_value()) << len;
  }
  auto whole = next_tcp_frame(v);
  ASSERT_TRUE(whole.ok() && whole->has_value());
  EXPECT_EQ((*whole)->consumed, v.size());
}

TEST(TcpStream, GarbageIsBadMagicAndHugeSizeIsMessageTooLarge) {
  const std::vector<std::uint8_t> junk{'G', 'E', 'T', ' '};
  auto j = next_tcp_frame(junk);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error(), DecodeError::kBadMagic);
  const std::vector<std::uint8_t> huge{0xCA, 2, 0x80, 1, 0x7F, 0xFF, 0xFF, 0xFF};
  auto h = next_tcp_frame(huge);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error(), DecodeError::kMessageTooLarge);
}

TEST(TcpStream, ControlMessageSizeFieldIsAValueNotALength) {
  std::vector<std::uint8_t> ctl{0xCA, 2, 0x41, 2, 0x10, 0, 0, 0};  // value 16, no payload
  auto f = next_tcp_frame(ctl);
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->consumed, kHeaderSize);
  EXPECT_TRUE((*f)->payload.empty());
}

TEST(RejectReasons, EveryReasonHasADistinctName) {
  std::set<std::string_view> names;
  for (int e = 0; e <= static_cast<int>(DecodeError::kTrailingBytes); ++e)
    names.insert(reason_name(static_cast<DecodeError>(e)));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(DecodeError::kTrailingBytes) + 1);
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace pva

namespace pva {
namespace {

// Mutation smoke test: random byte flips, truncations and extensions of valid
// messages never crash the decoders (run under SNOWSIGNAL_SANITIZE=ON too).
TEST(MalformedDatagram, RandomMutationsOfValidMessagesNeverCrash) {
  std::mt19937 rng(20261125);  // fixed seed: failures must reproduce
  Search s;
  s.channels = {{1, "test:pv"}, {2, std::string(300, 'n')}};
  std::vector<std::vector<std::uint8_t>> seeds{
      encode_search(s), encode_search_response(SearchResponse{}), encode_beacon(Beacon{}),
      encode_server_validation(ServerValidation{}, ByteOrder::kLittle),
      encode_client_validation(ClientValidation{}, ByteOrder::kBig)};
  std::size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    auto d = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0:
          d[rng() % d.size()] = static_cast<std::uint8_t>(rng());
          break;
        case 1:
          d.resize(std::max<std::size_t>(1, rng() % (d.size() + 1)));
          break;
        default:
          d.push_back(static_cast<std::uint8_t>(rng()));
          break;
      }
    }
    if (decode_udp_datagram(d).ok()) ++accepted;
    auto f = next_tcp_frame(d);
    if (f.ok() && f->has_value()) {
      const auto& fr = **f;
      (void)decode_server_validation(fr.payload, fr.header.byte_order());
      (void)decode_client_validation(fr.payload, fr.header.byte_order());
      (void)decode_connection_validated(fr.payload, fr.header.byte_order());
    }
  }
  EXPECT_GT(accepted, 0u);  // some mutations stay valid (e.g. a changed name byte)
}

}  // namespace
}  // namespace pva
