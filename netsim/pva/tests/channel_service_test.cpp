// pva-server's channel rules, driven with encoded client messages, no sockets.
#include "channel_service.h"

#include <gtest/gtest.h>

#include "pva/tcp_stream.h"

namespace pva::server {
namespace {

constexpr ByteOrder kLe = ByteOrder::kLittle;
const WallTime kT0 = WallTime{} + std::chrono::seconds(1'700'000'000);

struct Frame {
  Header header;
  Bytes payload;
};

std::vector<Frame> frames(const Bytes& out) {
  std::vector<Frame> v;
  std::span<const std::uint8_t> rest(out);
  while (!rest.empty()) {
    auto f = next_tcp_frame(rest);
    EXPECT_TRUE(f.ok() && f->has_value());
    if (!f || !f->has_value()) break;
    v.push_back({(*f)->header, {(*f)->payload.begin(), (*f)->payload.end()}});
    rest = rest.subspan((*f)->consumed);
  }
  return v;
}

class Service : public ::testing::Test {
 protected:
  Service() { db.add("BEAM:CURRENT", 42, kT0); }

  // Sends one encoded client message; returns the decoded reply frames.
  std::vector<Frame> send(const Bytes& msg) {
    auto h = decode_header(msg);
    EXPECT_TRUE(h.ok());
    Bytes out;
    error = svc.on_message(*h, ByteView(msg).subspan(kHeaderSize), out, kT0);
    return frames(out);
  }

  std::uint32_t create(const std::string& name) {
    auto r = send(encode_create_channel_request({{{77, name}}}, kLe));
    EXPECT_EQ(r.size(), 1u);
    if (r.empty()) return 0;
    auto m = decode_create_channel_response(r[0].payload, kLe);
    EXPECT_TRUE(m.ok());
    return m->status.ok() ? m->sid : 0;
  }

  OpResponse op(std::uint8_t cmd, std::uint32_t sid, std::uint32_t ioid, std::uint8_t sub,
                Bytes body = {}) {
    auto r = send(encode_op_request(OpRequest{cmd, sid, ioid, sub, std::move(body)}, kLe));
    EXPECT_EQ(r.size(), 1u);
    if (r.empty()) return {};
    auto m = decode_op_response(cmd, r[0].payload, kLe);
    EXPECT_TRUE(m.ok());
    return *m;
  }

  std::optional<double> get_value(std::uint32_t sid, std::uint32_t ioid) {
    op(command::kGet, sid, ioid, subcmd::kInit, encode_default_pv_request(kLe));
    auto d = decode_data_reply(op(command::kGet, sid, ioid, subcmd::kExec).body, kLe, flat);
    EXPECT_TRUE(d.ok());
    if (!d || !d->status.ok()) return std::nullopt;
    return as_double(d->data.value.fields[find_field(flat, "value")]);
  }

  Bytes put_body(std::size_t bit, const Scalar& v) {
    FieldsBody b{{}, default_value(flat)};
    b.changed.set(bit);
    b.value.fields[bit] = v;
    return encode_fields_body(b, flat, kLe);
  }

  PvDatabase db;
  ChannelCounters counters;
  ChannelService svc{db, counters, kLe};
  std::optional<DecodeError> error;
  const std::vector<FlatField> flat = flatten(nt_scalar_double());
};

TEST_F(Service, CreateChannelForAServedPvThenGetReturnsItsValueAndTimeStamp) {
  const auto sid = create("BEAM:CURRENT");
  ASSERT_NE(sid, 0u);
  auto init = op(command::kGet, sid, 5, subcmd::kInit, encode_default_pv_request(kLe));
  TypeCache cache;
  auto type = decode_init_reply(init.body, kLe, cache);
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(type->type, nt_scalar_double());
  auto d = decode_data_reply(op(command::kGet, sid, 5, subcmd::kExec).body, kLe, flat);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(as_double(d->data.value.fields[find_field(flat, "value")]), 42.0);
  EXPECT_EQ(
      std::get<std::int64_t>(d->data.value.fields[find_field(flat, "timeStamp.secondsPastEpoch")]),
      1'700'000'000);
  EXPECT_EQ(counters.gets, 1u);
}

TEST_F(Service, CreateChannelForAnUnknownNameRepliesWithAnErrorStatus) {
  auto r = send(encode_create_channel_request({{{77, "NO:SUCH:PV"}}}, kLe));
  ASSERT_EQ(r.size(), 1u);
  auto m = decode_create_channel_response(r[0].payload, kLe);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->cid, 77u);
  EXPECT_EQ(m->status.type, status_type::kError);
  EXPECT_NE(m->status.message.find("NO:SUCH:PV"), std::string::npos);
  EXPECT_EQ(counters.unknown_channels, 1u);
}

TEST_F(Service, GetFieldDescribesTheNtScalarDouble) {
  const auto sid = create("BEAM:CURRENT");
  auto r = send(encode_get_field_request({sid, 9, ""}, kLe));
  ASSERT_EQ(r.size(), 1u);
  TypeCache cache;
  auto m = decode_get_field_response(r[0].payload, kLe, cache);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ioid, 9u);
  EXPECT_EQ(m->type, nt_scalar_double());
}

TEST_F(Service, PutChangesTheValueAndAFollowingGetSeesIt) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kPut, sid, 6, subcmd::kInit, encode_default_pv_request(kLe));
  auto st = decode_status_body(
      op(command::kPut, sid, 6, subcmd::kExec, put_body(find_field(flat, "value"), 7.5)).body, kLe);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE(st->ok()) << st->message;
  EXPECT_EQ(get_value(sid, 7), 7.5);
  EXPECT_EQ(counters.puts, 1u);
}

TEST_F(Service, PutOfAnotherTypeIsRefusedWithAStatusAndTheValueStays) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kPut, sid, 6, subcmd::kInit, encode_default_pv_request(kLe));
  // BitSet {value} then a string where the double should be.
  Bytes wrong{1, 0x02, 3, 'a', 'b', 'c'};
  auto st = decode_status_body(op(command::kPut, sid, 6, subcmd::kExec, wrong).body, kLe);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->type, status_type::kError);
  EXPECT_NE(st->message.find("type mismatch"), std::string::npos) << st->message;
  EXPECT_EQ(counters.put_errors, 1u);
  EXPECT_FALSE(error.has_value());  // a refused PUT keeps the connection
  EXPECT_EQ(get_value(sid, 7), 42.0);
}

TEST_F(Service, PutOfAReadOnlyFieldIsRefused) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kPut, sid, 6, subcmd::kInit, encode_default_pv_request(kLe));
  auto st = decode_status_body(op(command::kPut, sid, 6, subcmd::kExec,
                                  put_body(find_field(flat, "alarm.severity"), std::int64_t{2}))
                                   .body,
                               kLe);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->type, status_type::kError);
  EXPECT_EQ(counters.put_errors, 1u);
}

TEST_F(Service, MonitorPostsTheWholeValueOnStartThenOneUpdatePerChangeAndNoneAfterStop) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kMonitor, sid, 8, subcmd::kInit, encode_default_pv_request(kLe));
  auto first = op(command::kMonitor, sid, 8, subcmd::kGet | subcmd::kStartStop);
  auto u = decode_monitor_update(first.body, kLe, flat);
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->data.changed.test(0));
  EXPECT_EQ(as_double(u->data.value.fields[find_field(flat, "value")]), 42.0);

  Bytes out;
  svc.post_monitors(out);
  EXPECT_TRUE(out.empty());  // nothing changed
  db.scan(kT0 + std::chrono::seconds(1));
  svc.post_monitors(out);
  auto f = frames(out);
  ASSERT_EQ(f.size(), 1u);
  auto upd = decode_op_response(command::kMonitor, f[0].payload, kLe);
  ASSERT_TRUE(upd.ok());
  auto u2 = decode_monitor_update(upd->body, kLe, flat);
  ASSERT_TRUE(u2.ok());
  EXPECT_TRUE(u2->data.changed.test(find_field(flat, "timeStamp")));
  EXPECT_EQ(
      std::get<std::int64_t>(u2->data.value.fields[find_field(flat, "timeStamp.secondsPastEpoch")]),
      1'700'000'001);

  auto stop =
      send(encode_op_request(OpRequest{command::kMonitor, sid, 8, subcmd::kStartStop, {}}, kLe));
  EXPECT_TRUE(stop.empty());
  db.scan(kT0 + std::chrono::seconds(2));
  out.clear();
  svc.post_monitors(out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(counters.monitor_updates, 2u);
}

TEST_F(Service, DestroyRequestEndsAMonitor) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kMonitor, sid, 8, subcmd::kInit, encode_default_pv_request(kLe));
  op(command::kMonitor, sid, 8, subcmd::kGet | subcmd::kStartStop);
  EXPECT_TRUE(send(encode_destroy_request({sid, 8}, kLe)).empty());
  db.scan(kT0 + std::chrono::seconds(1));
  Bytes out;
  svc.post_monitors(out);
  EXPECT_TRUE(out.empty());
}

TEST_F(Service, DestroyChannelIsConfirmedAndItsRequestsFail) {
  const auto sid = create("BEAM:CURRENT");
  op(command::kGet, sid, 5, subcmd::kInit, encode_default_pv_request(kLe));
  auto r = send(encode_destroy_channel({sid, 77}, false, kLe));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].header.command, command::kDestroyChannel);
  auto st = decode_data_reply(op(command::kGet, sid, 5, subcmd::kExec).body, kLe, flat);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->status.type, status_type::kError);
}

TEST_F(Service, EchoComesBackFromTheServer) {
  const Bytes payload{1, 2, 3};
  auto r = send(encode_echo(payload, false, kLe));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].header.command, command::kEcho);
  EXPECT_TRUE(r[0].header.from_server());
  EXPECT_EQ(r[0].payload, payload);
}

TEST_F(Service, ATruncatedCreateChannelIsADecodeErrorForTheCallerToCloseOn) {
  Bytes msg = encode_create_channel_request({{{77, "BEAM:CURRENT"}}}, kLe);
  msg.resize(msg.size() - 3);
  msg[4] = static_cast<std::uint8_t>(msg.size() - kHeaderSize);
  send(msg);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, DecodeError::kTruncatedField);
}

// Every byte of every message a client sends, replaced by 0x00, 0xFF and itself + 1:
// whatever the service makes of it (a reply, an error status, a decode error for the
// caller to close on), it must not crash (the sanitizer build watches memory), and a
// well-formed GET must still read the value afterwards.
TEST_F(Service, MutatedClientMessagesNeverBreakTheService) {
  const auto o = kLe;
  const std::uint32_t sid = create("BEAM:CURRENT");
  std::vector<Bytes> msgs{
      encode_create_channel_request({{{5, "BEAM:CURRENT"}}}, o),
      encode_get_field_request({sid, 3, ""}, o),
      encode_op_request({command::kGet, sid, 4, subcmd::kInit, encode_default_pv_request(o)}, o),
      encode_op_request({command::kGet, sid, 4, subcmd::kExec, {}}, o),
      encode_op_request({command::kPut, sid, 6, subcmd::kInit, encode_default_pv_request(o)}, o),
      encode_op_request({command::kPut, sid, 6, subcmd::kExec, put_body(1, 9.0)}, o),
      encode_op_request({command::kMonitor, sid, 8, subcmd::kInit, encode_default_pv_request(o)},
                        o),
      encode_op_request({command::kMonitor, sid, 8, subcmd::kGet | subcmd::kStartStop, {}}, o),
      encode_destroy_request({sid, 4}, o),
      encode_destroy_channel({sid + 100, 5}, false, o),
      encode_echo(Bytes{1, 2, 3}, false, o)};
  std::size_t fed = 0, refused = 0;
  for (const auto& msg : msgs) {
    // From byte 8: the header is the framer's business (next_tcp_frame), tested apart.
    for (std::size_t i = kHeaderSize; i < msg.size(); ++i) {
      for (int variant = 0; variant < 3; ++variant) {
        Bytes m = msg;
        m[i] = variant == 0 ? 0x00 : variant == 1 ? 0xFF : static_cast<std::uint8_t>(m[i] + 1);
        auto h = decode_header(m);
        ASSERT_TRUE(h.ok());
        Bytes out;
        if (svc.on_message(*h, ByteView(m).subspan(kHeaderSize), out, kT0)) ++refused;
        svc.post_monitors(out);
        ++fed;
      }
    }
  }
  EXPECT_GT(fed, 300u);
  EXPECT_GT(refused, 0u);  // some mutations must be caught as malformed
  const std::uint32_t sid2 = create("BEAM:CURRENT");
  ASSERT_NE(sid2, 0u);
  EXPECT_TRUE(get_value(sid2, 999).has_value());
}

TEST(PvArgument, NameAloneOrNameEqualsAFiniteDouble) {
  std::string name;
  double v = 1;
  EXPECT_TRUE(parse_pv_arg("A:B", name, v));
  EXPECT_EQ(name, "A:B");
  EXPECT_EQ(v, 0.0);
  EXPECT_TRUE(parse_pv_arg("A:B=42.5", name, v));
  EXPECT_EQ(v, 42.5);
  EXPECT_FALSE(parse_pv_arg("A:B=x", name, v));
  EXPECT_FALSE(parse_pv_arg("A:B=", name, v));
  EXPECT_FALSE(parse_pv_arg("A:B=nan", name, v));
  EXPECT_FALSE(parse_pv_arg("=1", name, v));
}

}  // namespace
}  // namespace pva::server
