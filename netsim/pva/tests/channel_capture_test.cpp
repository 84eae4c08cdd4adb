// The channel messages of whole pvxs 1.5.2 sessions (fixtures/pva/channel-*.pcap,
// pvxget/pvxinfo/pvxput/pvxmonitor against pvxs' mailbox server serving BEAM:CURRENT):
// every message decodes, and re-encodes byte for byte. pvxs' encoding is fixed for all
// of them (no type cache, minimal BitSets, the same subcommand bytes), so no message is
// exempt.
#include <gtest/gtest.h>

#include <bit>
#include <map>

#include "pcap_fixtures.h"
#include "pva/channel.h"
#include "pva/tcp_stream.h"
#include "tcp_frames.h"

namespace pva {
namespace {

using test::frames_of;
using test::read_tcp_session;

constexpr std::uint32_t kCid = 0x12345678;  // pvxs' first channel id
constexpr std::uint32_t kSid = 0x07050301;  // what the mailbox server chose
constexpr std::uint32_t kIoid = 0x10002000;

Bytes bytes_of(const TcpFrame& f) {
  Bytes out;
  append_header(out, f.header);
  out.insert(out.end(), f.payload.begin(), f.payload.end());
  return out;
}

// Decodes one channel message and encodes what was decoded again. Tracks the types
// announced by INIT replies and GET_FIELD so data messages can be decoded.
class Reencoder {
 public:
  Bytes operator()(const TcpFrame& f) {
    const auto& h = f.header;
    const ByteOrder o = h.byte_order();
    const bool server = h.from_server();
    switch (h.command) {
      case command::kCreateChannel:
        if (server)
          return encode_create_channel_response(get(decode_create_channel_response(f.payload, o)),
                                                o);
        return encode_create_channel_request(get(decode_create_channel_request(f.payload, o)), o);
      case command::kGetField:
        if (server)
          return encode_get_field_response(
              get(decode_get_field_response(f.payload, o, server_cache_)), o);
        return encode_get_field_request(get(decode_get_field_request(f.payload, o)), o);
      case command::kDestroyRequest:
        return encode_destroy_request(get(decode_destroy_request(f.payload, o)), o);
      case command::kGet:
      case command::kPut:
      case command::kMonitor:
        return server ? op_response(h.command, f.payload, o) : op_request(h.command, f.payload, o);
      default:
        ADD_FAILURE() << "unexpected command " << int(h.command);
        return {};
    }
  }

  // Values seen in data messages, by field path, last one wins.
  std::map<std::string, Scalar> seen;

 private:
  template <typename T>
  T get(Result<T> r) {
    EXPECT_TRUE(r.ok()) << (r ? "" : reason_name(r.error()));
    return r ? std::move(r).value() : T{};
  }

  void record(const FieldsBody& b) {
    for (std::size_t i = 0; i < flat_.size(); ++i)
      if (b.changed.test(i)) seen[flat_[i].path] = b.value.fields[i];
  }

  Bytes op_request(std::uint8_t cmd, ByteView payload, ByteOrder o) {
    auto m = get(decode_op_request(cmd, payload, o));
    if (m.subcmd & subcmd::kInit) {
      auto req = get(decode_pv_request(m.body, o, client_cache_));
      EXPECT_EQ(req.members.size(), 1u);  // struct { struct {} field }
      EXPECT_EQ(encode_default_pv_request(o), m.body);
    } else if (cmd == command::kPut && m.subcmd == subcmd::kExec) {
      auto body = get(decode_fields_body(m.body, o, flat_));
      record(body);
      m.body = encode_fields_body(body, flat_, o);
    } else {
      EXPECT_TRUE(m.body.empty());
    }
    return encode_op_request(m, o);
  }

  Bytes op_response(std::uint8_t cmd, ByteView payload, ByteOrder o) {
    auto m = get(decode_op_response(cmd, payload, o));
    if (m.subcmd & subcmd::kInit) {
      auto init = get(decode_init_reply(m.body, o, server_cache_));
      flat_ = flatten(init.type);
      m.body = encode_init_reply(init, o);
    } else if (cmd == command::kMonitor) {
      auto u = get(decode_monitor_update(m.body, o, flat_));
      record(u.data);
      m.body = encode_monitor_update(u, flat_, o);
    } else if (cmd == command::kPut && m.subcmd == subcmd::kExec) {
      m.body = encode_status_body(get(decode_status_body(m.body, o)), o);
    } else {
      auto d = get(decode_data_reply(m.body, o, flat_));
      record(d.data);
      m.body = encode_data_reply(d, flat_, o);
    }
    return encode_op_response(m, o);
  }

  TypeCache client_cache_, server_cache_;
  std::vector<FlatField> flat_;
};

struct Session {
  std::vector<TcpFrame> client, server;  // after connection validation
  std::vector<std::uint8_t> c2s, s2c;    // keep the bytes the frames point into
};

Session channel_frames(const std::string& pcap) {
  Session s;
  auto tcp = read_tcp_session(pcap, 5075);
  s.c2s = std::move(tcp.client_to_server);
  s.s2c = std::move(tcp.server_to_client);
  auto c = frames_of(s.c2s);
  auto v = frames_of(s.s2c);
  // Server: SET_BYTE_ORDER, CONNECTION_VALIDATION, CONNECTION_VALIDATED; client:
  // CONNECTION_VALIDATION.
  EXPECT_GE(v.size(), 3u);
  EXPECT_GE(c.size(), 1u);
  if (v.size() >= 3) s.server.assign(v.begin() + 3, v.end());
  if (!c.empty()) s.client.assign(c.begin() + 1, c.end());
  return s;
}

class EveryChannelMessage : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryChannelMessage, DecodesAndReencodesByteForByte) {
  const auto s = channel_frames(GetParam());
  ASSERT_FALSE(s.client.empty());
  ASSERT_FALSE(s.server.empty());
  Reencoder re;
  // Replay in protocol order: the client's INIT precedes the server's, and types come
  // from the server's INIT reply, so alternate client, server as the session did.
  std::size_t ci = 0, si = 0;
  while (ci < s.client.size() || si < s.server.size()) {
    if (ci < s.client.size()) {
      const auto& f = s.client[ci++];
      EXPECT_EQ(re(f), bytes_of(f)) << GetParam() << " client message " << ci;
    }
    if (si < s.server.size()) {
      const auto& f = s.server[si++];
      EXPECT_EQ(re(f), bytes_of(f)) << GetParam() << " server message " << si;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(PvxsSessions, EveryChannelMessage,
                         ::testing::Values("channel-get.pcap", "channel-info.pcap",
                                           "channel-put.pcap", "channel-monitor.pcap"),
                         [](const auto& p) {
                           std::string n = p.param;
                           std::string out;
                           for (char ch : n.substr(0, n.find('.')))
                             if (std::isalnum(static_cast<unsigned char>(ch))) out += ch;
                           return out;
                         });

TEST(ChannelGetCapture, CreatesTheChannelThenReadsValue42) {
  const auto s = channel_frames("channel-get.pcap");
  ASSERT_EQ(s.client.size(), 4u);  // CREATE_CHANNEL, GET INIT, GET, DESTROY_REQUEST
  ASSERT_EQ(s.server.size(), 3u);  // CREATE_CHANNEL, GET INIT, GET

  auto req = decode_create_channel_request(s.client[0].payload, ByteOrder::kLittle);
  ASSERT_TRUE(req.ok());
  ASSERT_EQ(req->channels.size(), 1u);
  EXPECT_EQ(req->channels[0].id, kCid);
  EXPECT_EQ(req->channels[0].name, "BEAM:CURRENT");

  auto rsp = decode_create_channel_response(s.server[0].payload, ByteOrder::kLittle);
  ASSERT_TRUE(rsp.ok());
  EXPECT_EQ(rsp->cid, kCid);
  EXPECT_EQ(rsp->sid, kSid);
  EXPECT_TRUE(rsp->status.ok());

  auto init = decode_op_request(command::kGet, s.client[1].payload, ByteOrder::kLittle);
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->sid, kSid);
  EXPECT_EQ(init->ioid, kIoid);
  EXPECT_EQ(init->subcmd, subcmd::kInit);

  auto type_msg = decode_op_response(command::kGet, s.server[1].payload, ByteOrder::kLittle);
  ASSERT_TRUE(type_msg.ok());
  TypeCache cache;
  auto type = decode_init_reply(type_msg->body, ByteOrder::kLittle, cache);
  ASSERT_TRUE(type.ok());
  EXPECT_TRUE(type->status.ok());
  // pvxs' NTScalar double is exactly the one our server serves.
  EXPECT_EQ(type->type, nt_scalar_double());

  const auto flat = flatten(type->type);
  auto data_msg = decode_op_response(command::kGet, s.server[2].payload, ByteOrder::kLittle);
  ASSERT_TRUE(data_msg.ok());
  EXPECT_EQ(data_msg->subcmd, subcmd::kExec);
  auto data = decode_data_reply(data_msg->body, ByteOrder::kLittle, flat);
  ASSERT_TRUE(data.ok());
  // pvxs sends value and alarm (bits 1, 3-5) but no timeStamp: the mailbox never set it.
  EXPECT_TRUE(data->data.changed.test(find_field(flat, "value")));
  EXPECT_TRUE(data->data.changed.test(find_field(flat, "alarm.severity")));
  EXPECT_FALSE(data->data.changed.test(find_field(flat, "timeStamp.secondsPastEpoch")));
  EXPECT_EQ(as_double(data->data.value.fields[find_field(flat, "value")]), 42.0);

  auto destroy = decode_destroy_request(s.client[3].payload, ByteOrder::kLittle);
  ASSERT_TRUE(destroy.ok());
  EXPECT_EQ(destroy->sid, kSid);
  EXPECT_EQ(destroy->ioid, kIoid);
}

TEST(ChannelInfoCapture, GetFieldReturnsTheNtScalarDoubleType) {
  const auto s = channel_frames("channel-info.pcap");
  ASSERT_EQ(s.client.size(), 2u);
  ASSERT_EQ(s.server.size(), 2u);
  auto req = decode_get_field_request(s.client[1].payload, ByteOrder::kLittle);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->sid, kSid);
  EXPECT_EQ(req->sub_field, "");
  TypeCache cache;
  auto rsp = decode_get_field_response(s.server[1].payload, ByteOrder::kLittle, cache);
  ASSERT_TRUE(rsp.ok());
  EXPECT_EQ(rsp->ioid, req->ioid);
  EXPECT_EQ(rsp->type.id, "epics:nt/NTScalar:1.0");
  EXPECT_EQ(rsp->type, nt_scalar_double());
}

TEST(ChannelPutCapture, ReadsCurrentValueThenPuts7Point5WithOnlyTheValueBit) {
  const auto s = channel_frames("channel-put.pcap");
  ASSERT_EQ(s.client.size(), 5u);  // CREATE, PUT INIT, PUT get, PUT exec, DESTROY_REQUEST
  ASSERT_EQ(s.server.size(), 4u);  // CREATE, PUT INIT, PUT get, PUT exec
  const auto flat = flatten(nt_scalar_double());
  auto put = decode_op_request(command::kPut, s.client[3].payload, ByteOrder::kLittle);
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->subcmd, subcmd::kExec);
  auto body = decode_fields_body(put->body, ByteOrder::kLittle, flat);
  ASSERT_TRUE(body.ok());
  BitSet only_value;
  only_value.set(find_field(flat, "value"));
  EXPECT_EQ(body->changed, only_value);
  EXPECT_EQ(as_double(body->value.fields[find_field(flat, "value")]), 7.5);

  auto reply = decode_op_response(command::kPut, s.server[3].payload, ByteOrder::kLittle);
  ASSERT_TRUE(reply.ok());
  auto st = decode_status_body(reply->body, ByteOrder::kLittle);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->ok());
}

TEST(ChannelMonitorCapture, StartsThenFirstUpdateCarriesValueAndTimeStamp) {
  const auto s = channel_frames("channel-monitor.pcap");
  ASSERT_EQ(s.client.size(), 4u);  // CREATE, MONITOR INIT, MONITOR start, DESTROY_REQUEST
  ASSERT_EQ(s.server.size(), 3u);  // CREATE, MONITOR INIT, first update
  auto start = decode_op_request(command::kMonitor, s.client[2].payload, ByteOrder::kLittle);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->subcmd, subcmd::kGet | subcmd::kStartStop);
  const auto flat = flatten(nt_scalar_double());
  auto upd = decode_op_response(command::kMonitor, s.server[2].payload, ByteOrder::kLittle);
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->subcmd, subcmd::kExec);
  auto u = decode_monitor_update(upd->body, ByteOrder::kLittle, flat);
  ASSERT_TRUE(u.ok());
  const auto& f = u->data.value.fields;
  EXPECT_EQ(as_double(f[find_field(flat, "value")]), 7.5);
  EXPECT_EQ(std::get<std::int64_t>(f[find_field(flat, "timeStamp.secondsPastEpoch")]), 0x6b07385a);
  EXPECT_EQ(std::get<std::int64_t>(f[find_field(flat, "timeStamp.nanoseconds")]), 0x34679ebc);
  EXPECT_FALSE(u->data.changed.test(find_field(flat, "timeStamp.userTag")));
  EXPECT_TRUE(u->overrun.empty());
}

// The whole decode chain a peer applies to one message (header fields, then the body
// its subcommand announces); false at the first error. All captured sessions carry
// the NTScalar double, so data bodies are decoded against it.
bool decodes_fully(const Header& h, ByteView p) {
  const ByteOrder o = h.byte_order();
  const bool server = h.from_server();
  const auto flat = flatten(nt_scalar_double());
  TypeCache cache;
  switch (h.command) {
    case command::kCreateChannel:
      return server ? decode_create_channel_response(p, o).ok()
                    : decode_create_channel_request(p, o).ok();
    case command::kGetField:
      return server ? decode_get_field_response(p, o, cache).ok()
                    : decode_get_field_request(p, o).ok();
    case command::kDestroyRequest:
      return decode_destroy_request(p, o).ok();
    default:
      break;
  }
  if (!server) {
    auto m = decode_op_request(h.command, p, o);
    if (!m) return false;
    if (m->subcmd & subcmd::kInit) return decode_pv_request(m->body, o, cache).ok();
    if (h.command == command::kPut && m->subcmd == subcmd::kExec)
      return decode_fields_body(m->body, o, flat).ok();
    return m->body.empty();
  }
  auto m = decode_op_response(h.command, p, o);
  if (!m) return false;
  if (m->subcmd & subcmd::kInit) return decode_init_reply(m->body, o, cache).ok();
  if (h.command == command::kMonitor) return decode_monitor_update(m->body, o, flat).ok();
  if (h.command == command::kPut && m->subcmd == subcmd::kExec)
    return decode_status_body(m->body, o).ok();
  return decode_data_reply(m->body, o, flat).ok();
}

TEST_P(EveryChannelMessage, EveryStrictPrefixIsRejectedByTheFullDecode) {
  const auto s = channel_frames(GetParam());
  std::size_t checked = 0;
  for (const auto* side : {&s.client, &s.server}) {
    for (const auto& f : *side) {
      ASSERT_TRUE(decodes_fully(f.header, f.payload)) << "message " << int(f.header.command);
      for (std::size_t n = 0; n < f.payload.size(); ++n) {
        EXPECT_FALSE(decodes_fully(f.header, f.payload.first(n)))
            << GetParam() << " command " << int(f.header.command) << " cut to " << n;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace pva
