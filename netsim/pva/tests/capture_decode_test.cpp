// The codec against real traffic: fixtures/pva/*.pcap, captured from EPICS pvxs 1.5.2
// (see fixtures/pva/README.md for what each capture holds).
#include <gtest/gtest.h>

#include <set>

#include "pcap_fixtures.h"
#include "pva/codec.h"
#include "pva/fnv1a.h"
#include "pva/search_splitter.h"
#include "pva/tcp_stream.h"
#include "pva/udp_datagram.h"
#include "tcp_frames.h"

namespace pva {
namespace {

using test::frames_of;
using test::read_tcp_session;
using test::read_udp;

constexpr std::uint32_t kFind = 0x66696e64;  // "find" as a big-endian u32
constexpr std::uint32_t kFirstId = 0x12345678;
const char* const kServerGuid = "f8a696216c273921222b94de";

// Decodes a datagram that must hold exactly one message of type T.
template <typename T>
T single(const std::vector<std::uint8_t>& datagram, Header* header = nullptr) {
  auto msgs = decode_udp_datagram(datagram);
  EXPECT_TRUE(msgs.ok()) << (msgs ? "" : reason_name(msgs.error()));
  if (!msgs) return T{};
  EXPECT_EQ(msgs->size(), 1u);
  if (header != nullptr) *header = msgs->front().header;
  const T* body = std::get_if<T>(&msgs->front().body);
  EXPECT_NE(body, nullptr);
  return body != nullptr ? *body : T{};
}

TEST(SearchExchangeCapture, SearchDecodesWithPvxsFields) {
  const auto pkts = read_udp("search-exchange.pcap");
  ASSERT_EQ(pkts.size(), 2u);
  const auto& p = pkts[0];
  EXPECT_EQ(p.payload.size(), 53u);
  EXPECT_EQ(p.dst_ip, "198.18.2.255");
  EXPECT_EQ(p.dst_port, 5076);
  Header h;
  const auto s = single<Search>(p.payload, &h);
  EXPECT_EQ(h.version, 2);
  EXPECT_EQ(h.flags, 0x80);  // big-endian, from a client
  EXPECT_EQ(h.command, command::kSearch);
  EXPECT_EQ(h.size, 45u);
  EXPECT_EQ(s.sequence_id, kFind);
  EXPECT_EQ(s.flags, 0);
  EXPECT_EQ(s.response_address, Address::zero());
  EXPECT_TRUE(s.response_address.is_unspecified());
  EXPECT_EQ(s.response_port, p.src_port);  // the client's own UDP port
  EXPECT_EQ(s.protocols, std::vector<std::string>{"tcp"});
  ASSERT_EQ(s.channels.size(), 1u);
  EXPECT_EQ(s.channels[0].id, kFirstId);
  EXPECT_EQ(s.channels[0].name, "test:pv");
}

TEST(SearchExchangeCapture, ResponseDecodesWithGuidPortAndEchoedId) {
  const auto pkts = read_udp("search-exchange.pcap");
  ASSERT_EQ(pkts.size(), 2u);
  const auto& p = pkts[1];
  // pvxs answers from its search port to the search's response port, at the IP source.
  EXPECT_EQ(p.src_port, 5076);
  EXPECT_EQ(p.dst_port, pkts[0].src_port);
  EXPECT_EQ(p.dst_ip, pkts[0].src_ip);
  Header h;
  const auto r = single<SearchResponse>(p.payload, &h);
  EXPECT_EQ(h.flags, 0xC0);  // big-endian, from a server
  EXPECT_EQ(h.command, command::kSearchResponse);
  EXPECT_EQ(hex_bytes(r.guid), kServerGuid);
  EXPECT_EQ(r.sequence_id, kFind);
  EXPECT_EQ(r.server_address, Address::mapped_any());
  EXPECT_TRUE(r.server_address.is_unspecified());
  EXPECT_EQ(r.server_port, 5075);
  EXPECT_EQ(r.protocol, "tcp");
  EXPECT_TRUE(r.found);
  EXPECT_EQ(r.channel_ids, std::vector<std::uint32_t>{kFirstId});
}

TEST(SearchExchangeCapture, SearchAndResponseReEncodeByteIdentically) {
  const auto pkts = read_udp("search-exchange.pcap");
  ASSERT_EQ(pkts.size(), 2u);
  EXPECT_EQ(encode_search(single<Search>(pkts[0].payload)), pkts[0].payload);
  EXPECT_EQ(encode_search_response(single<SearchResponse>(pkts[1].payload)), pkts[1].payload);
}

TEST(SearchLargeCapture, PvxsSplitsFortyNamesInto1337_1337_329ThenRepeats) {
  const auto pkts = read_udp("search-large.pcap");
  ASSERT_EQ(pkts.size(), 6u);
  const std::vector<std::size_t> sizes{1337, 1337, 329, 1337, 1337, 329};
  for (std::size_t i = 0; i < pkts.size(); ++i) EXPECT_EQ(pkts[i].payload.size(), sizes[i]);
  std::set<std::uint64_t> distinct;
  for (const auto& p : pkts) distinct.insert(fnv1a64(p.payload));
  EXPECT_EQ(distinct.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(pkts[i].payload, pkts[i + 3].payload);
}

TEST(SearchLargeCapture, FortyNamesEachOnceWithConsecutiveIds) {
  const auto pkts = read_udp("search-large.pcap");
  ASSERT_EQ(pkts.size(), 6u);
  std::vector<SearchChannel> all;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto s = single<Search>(pkts[i].payload);
    EXPECT_EQ(s.sequence_id, kFind);
    EXPECT_EQ(s.response_port, pkts[i].src_port);
    all.insert(all.end(), s.channels.begin(), s.channels.end());
  }
  ASSERT_EQ(all.size(), 40u);
  std::set<std::string> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, kFirstId + i);
    names.insert(all[i].name);
  }
  EXPECT_EQ(names.size(), 40u);
  EXPECT_EQ(all.front().name,
            "accelerator:ring:sector01:beam-position-monitor:horizontal:position");
}

TEST(SearchLargeCapture, OurSplitterReproducesPvxsDatagramsByteForByte) {
  const auto pkts = read_udp("search-large.pcap");
  ASSERT_EQ(pkts.size(), 6u);
  std::vector<SearchChannel> all;
  Search base = single<Search>(pkts[0].payload);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto s = single<Search>(pkts[i].payload);
    all.insert(all.end(), s.channels.begin(), s.channels.end());
  }
  base.channels.clear();
  const auto split = split_search(base, all, kPvxsSearchDatagramBytes);
  ASSERT_TRUE(split.has_value());
  ASSERT_EQ(split->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(encode_search((*split)[i]), pkts[i].payload);
}

TEST(BeaconCapture, BeaconsDecodeWithGuidSequenceAndServerPort) {
  const auto pkts = read_udp("beacon.pcap");
  ASSERT_EQ(pkts.size(), 2u);
  std::uint8_t expected_seq = 2;
  for (const auto& p : pkts) {
    EXPECT_EQ(p.payload.size(), 47u);
    EXPECT_EQ(p.dst_ip, "198.18.2.255");
    EXPECT_EQ(p.dst_port, 5076);
    EXPECT_NE(p.src_port, 5076);  // pvxs beacons leave from an ephemeral port
    Header h;
    const auto b = single<Beacon>(p.payload, &h);
    EXPECT_EQ(h.flags, 0xC0);
    EXPECT_EQ(h.command, command::kBeacon);
    EXPECT_EQ(hex_bytes(b.guid), kServerGuid);  // the same server as search-exchange
    EXPECT_EQ(b.flags, 0);
    EXPECT_EQ(b.sequence, expected_seq++);
    EXPECT_EQ(b.change_count, 2);
    EXPECT_EQ(b.server_address, Address::mapped_any());
    EXPECT_EQ(b.server_port, 5075);
    EXPECT_EQ(b.protocol, "tcp");
    EXPECT_EQ(b.server_status, std::vector<std::uint8_t>{0xFF});
    EXPECT_EQ(encode_beacon(b), p.payload);
  }
}

std::vector<std::uint8_t> bytes_of(const TcpFrame& f) {
  std::vector<std::uint8_t> out;
  append_header(out, f.header);
  out.insert(out.end(), f.payload.begin(), f.payload.end());
  return out;
}

TEST(TcpValidationCapture, ServerSendsSetByteOrderValidationThenValidatedOk) {
  const auto s = read_tcp_session("tcp-validation.pcap", 5075);
  const auto frames = frames_of(s.server_to_client);
  ASSERT_GE(frames.size(), 3u);

  const auto& order = frames[0];
  EXPECT_TRUE(order.header.is_control());
  EXPECT_TRUE(order.header.from_server());
  EXPECT_EQ(order.header.command, control::kSetByteOrder);
  EXPECT_EQ(order.header.byte_order(), ByteOrder::kLittle);  // x86 pvxs server
  EXPECT_EQ(encode_set_byte_order(ByteOrder::kLittle), bytes_of(order));

  const auto& val = frames[1];
  EXPECT_EQ(val.header.command, command::kConnectionValidation);
  EXPECT_EQ(val.header.flags, 0x40);
  auto v = decode_server_validation(val.payload, val.header.byte_order());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->receive_buffer_size, 0x10000u);
  EXPECT_EQ(v->registry_size, 0x7FFF);
  EXPECT_EQ(v->auth_methods, (std::vector<std::string>{"anonymous", "ca"}));
  EXPECT_EQ(encode_server_validation(*v, ByteOrder::kLittle), bytes_of(val));

  const auto& done = frames[2];
  EXPECT_EQ(done.header.command, command::kConnectionValidated);
  auto ok = decode_connection_validated(done.payload, done.header.byte_order());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->status.ok());
  EXPECT_EQ(encode_connection_validated(*ok, ByteOrder::kLittle), bytes_of(done));

  // Then channel creation and the GET: well-formed frames we do not interpret.
  EXPECT_EQ(frames[3].header.command, command::kCreateChannel);
}

TEST(TcpValidationCapture, ClientValidationChoosesCaAndReEncodesIdentically) {
  const auto s = read_tcp_session("tcp-validation.pcap", 5075);
  const auto frames = frames_of(s.client_to_server);
  ASSERT_GE(frames.size(), 2u);
  const auto& val = frames[0];
  EXPECT_EQ(val.header.command, command::kConnectionValidation);
  EXPECT_FALSE(val.header.from_server());
  EXPECT_EQ(val.header.byte_order(), ByteOrder::kLittle);
  auto v = decode_client_validation(val.payload, val.header.byte_order());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->receive_buffer_size, 0x10000u);
  EXPECT_EQ(v->registry_size, 0x7FFF);
  EXPECT_EQ(v->qos, 0);
  EXPECT_EQ(v->auth_method, "ca");
  // "ca" data: a struct type descriptor {user, host} then two empty strings.
  ASSERT_EQ(v->auth_data.size(), 17u);
  EXPECT_EQ(v->auth_data[0], 0x80);
  EXPECT_EQ(encode_client_validation(*v, ByteOrder::kLittle), bytes_of(val));
  EXPECT_EQ(frames[1].header.command, command::kCreateChannel);
}

TEST(SearchMissCapture, TwoIdenticalSearchesForAnUnservedNameAndNoReply) {
  const auto pkts = read_udp("search-miss.pcap");
  ASSERT_EQ(pkts.size(), 2u);  // nobody answers: only the client's two searches
  for (const auto& p : pkts) {
    Header h;
    const auto s = single<Search>(p.payload, &h);
    EXPECT_FALSE(h.from_server());
    ASSERT_EQ(s.channels.size(), 1u);
    EXPECT_EQ(s.channels[0].name, "NO:SUCH:PV");
    EXPECT_EQ(encode_search(s), p.payload);
  }
  // pvxs repeats a search byte for byte (relays de-duplicate on that).
  EXPECT_EQ(pkts[0].payload, pkts[1].payload);
}

}  // namespace
}  // namespace pva
