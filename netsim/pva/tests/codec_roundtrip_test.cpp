// What our encoders produce decodes to the same fields, in both byte orders.
#include <gtest/gtest.h>

#include "pva/codec.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"

namespace pva {
namespace {

class BothByteOrders : public ::testing::TestWithParam<ByteOrder> {};

Search sample_search() {
  Search s;
  s.sequence_id = 0xDEADBEEF;
  s.flags = search_flag::kReplyRequired | search_flag::kUnicast;
  s.response_address = Address::ipv4_mapped({198, 18, 1, 10});
  s.response_port = 40000;
  s.protocols = {"tcp", "tls"};
  s.channels = {{1, "a"}, {0x01020304, "test:pv"}, {7, std::string(300, 'x')}};  // 0xFE size
  return s;
}

template <typename T>
const T& body_of(const Result<std::vector<UdpMessage>>& r) {
  return std::get<T>(r->front().body);
}

TEST_P(BothByteOrders, SearchRoundTripsThroughTheDatagramDecoder) {
  const auto s = sample_search();
  const auto bytes = encode_search(s, GetParam());
  EXPECT_EQ(bytes.size(), encoded_length(s));
  auto r = decode_udp_datagram(bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().header.byte_order(), GetParam());
  EXPECT_FALSE(r->front().header.from_server());
  EXPECT_EQ(body_of<Search>(r), s);
}

TEST_P(BothByteOrders, SearchResponseRoundTrips) {
  SearchResponse m;
  m.guid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  m.sequence_id = 42;
  m.server_port = 15075;
  m.found = true;
  m.channel_ids = {1, 2, 0xFFFFFFFF};
  auto r = decode_udp_datagram(encode_search_response(m, GetParam()));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->front().header.from_server());
  EXPECT_EQ(body_of<SearchResponse>(r), m);
}

TEST_P(BothByteOrders, BeaconRoundTrips) {
  Beacon b;
  b.guid = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1};
  b.sequence = 200;
  b.change_count = 0x1234;
  b.server_address = Address::ipv4_mapped({10, 0, 0, 1});
  auto r = decode_udp_datagram(encode_beacon(b, GetParam()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(body_of<Beacon>(r), b);
}

TEST_P(BothByteOrders, TcpValidationMessagesRoundTrip) {
  const ServerValidation sv{1234, 99, {"anonymous", "ca", "x509"}};
  const ClientValidation cv{};
  const ConnectionValidated ok{};
  const ConnectionValidated refused{Status{0x02, "denied", "stack"}};
  std::vector<std::uint8_t> stream = encode_set_byte_order(GetParam());
  for (const auto& part :
       {encode_server_validation(sv, GetParam()), encode_client_validation(cv, GetParam()),
        encode_connection_validated(ok, GetParam()),
        encode_connection_validated(refused, GetParam())})
    stream.insert(stream.end(), part.begin(), part.end());

  std::span<const std::uint8_t> rest(stream);
  auto next = [&]() {
    auto f = next_tcp_frame(rest);
    EXPECT_TRUE(f.ok() && f->has_value());
    rest = rest.subspan((*f)->consumed);
    return **f;
  };
  const auto order = next();
  EXPECT_TRUE(order.header.is_control());
  EXPECT_EQ(order.header.byte_order(), GetParam());
  const auto f1 = next();
  EXPECT_EQ(*decode_server_validation(f1.payload, GetParam()), sv);
  const auto f2 = next();
  EXPECT_EQ(*decode_client_validation(f2.payload, GetParam()), cv);
  const auto f3 = next();
  EXPECT_EQ(*decode_connection_validated(f3.payload, GetParam()), ok);
  const auto f4 = next();
  EXPECT_EQ(*decode_connection_validated(f4.payload, GetParam()), refused);
  EXPECT_TRUE(rest.empty());
}

INSTANTIATE_TEST_SUITE_P(Codec, BothByteOrders,
                         ::testing::Values(ByteOrder::kBig, ByteOrder::kLittle),
                         [](const ::testing::TestParamInfo<ByteOrder>& p) {
                           return p.param == ByteOrder::kBig ? "BigEndian" : "LittleEndian";
                         });

TEST(UdpDatagram, SeveralMessagesBackToBackDecodeInOrderWhateverTheirByteOrder) {
  auto d = encode_search(sample_search(), ByteOrder::kBig);
  const auto beacon = encode_beacon(Beacon{}, ByteOrder::kLittle);
  const auto resp = encode_search_response(SearchResponse{}, ByteOrder::kBig);
  d.insert(d.end(), beacon.begin(), beacon.end());
  d.insert(d.end(), resp.begin(), resp.end());
  auto r = decode_udp_datagram(d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Search>((*r)[0].body));
  EXPECT_TRUE(std::holds_alternative<Beacon>((*r)[1].body));
  EXPECT_EQ((*r)[1].header.byte_order(), ByteOrder::kLittle);
  EXPECT_TRUE(std::holds_alternative<SearchResponse>((*r)[2].body));
}

TEST(UdpDatagram, UnknownCommandIsKeptRawAndSkippedBySize) {
  std::vector<std::uint8_t> d{0xCA, 2, 0x80, 0x16, 0, 0, 0, 3, 0xAA, 0xBB, 0xCC};  // ORIGIN_TAG-ish
  const auto s = encode_search(sample_search());
  d.insert(d.end(), s.begin(), s.end());
  auto r = decode_udp_datagram(d);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(std::get<OtherMessage>((*r)[0].body).payload,
            (std::vector<std::uint8_t>{0xAA, 0xBB, 0xCC}));
  EXPECT_EQ(std::get<Search>((*r)[1].body), sample_search());
}

TEST(Address, Ipv4MappedAndUnspecifiedForms) {
  EXPECT_TRUE(Address::zero().is_unspecified());
  EXPECT_TRUE(Address::mapped_any().is_unspecified());
  const auto a = Address::ipv4_mapped({198, 18, 2, 10});
  EXPECT_FALSE(a.is_unspecified());
  EXPECT_EQ(a.ipv4(), (Ipv4{198, 18, 2, 10}));
  EXPECT_EQ(a.to_string(), "::ffff:198.18.2.10");
  EXPECT_FALSE(Address::zero().ipv4().has_value());  // all zero is not IPv4-mapped
  Address v6;
  v6.bytes[0] = 0x20;
  v6.bytes[1] = 0x01;
  EXPECT_FALSE(v6.is_unspecified());
  EXPECT_FALSE(v6.ipv4().has_value());
}

TEST(Header, SizeFieldFollowsTheByteOrderFlag) {
  std::vector<std::uint8_t> be, le;
  append_header(be, Header{2, 0x80, 3, 0x01020304});
  append_header(le, Header{2, 0x00, 3, 0x01020304});
  EXPECT_EQ(be, (std::vector<std::uint8_t>{0xCA, 2, 0x80, 3, 1, 2, 3, 4}));
  EXPECT_EQ(le, (std::vector<std::uint8_t>{0xCA, 2, 0x00, 3, 4, 3, 2, 1}));
  EXPECT_EQ(decode_header(be)->size, 0x01020304u);
  EXPECT_EQ(decode_header(le)->size, 0x01020304u);
}

TEST(Wire, SizeEncodingUsesOneByteBelow254AndFEPlusU32Above) {
  for (std::size_t n : {0u, 1u, 253u, 254u, 255u, 70000u}) {
    std::vector<std::uint8_t> out;
    WireWriter(out, ByteOrder::kBig).size(n);
    EXPECT_EQ(out.size(), encoded_size_length(n));
    WireReader r(out, ByteOrder::kBig);
    std::optional<std::uint32_t> got;
    ASSERT_TRUE(r.size(got));
    EXPECT_EQ(got, n);
  }
  std::vector<std::uint8_t> null{0xFF};
  WireReader r(null, ByteOrder::kBig);
  std::optional<std::uint32_t> got = 5;
  ASSERT_TRUE(r.size(got));
  EXPECT_FALSE(got.has_value());
}

}  // namespace
}  // namespace pva
