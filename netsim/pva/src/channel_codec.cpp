// Channel messages; field tables in include/pva/channel.h, checked against
// fixtures/pva/channel-*.pcap.
#include "field_reader.h"
#include "pva/channel.h"

namespace pva {

using detail::FieldReader;

namespace {

void write_status(WireWriter& w, const Status& s) {
  w.u8(s.type);
  if (s.ok()) return;
  w.string(s.message);
  w.string(s.call_tree);
}

Bytes body_bytes(ByteOrder order, const auto& fill) {
  Bytes out;
  WireWriter w(out, order);
  fill(w);
  return out;
}

// The type that follows in `f`, full or cache form; null is refused.
void read_type(FieldReader& f, TypeCache& cache, FieldDesc& out) {
  if (f.failed()) return;
  bool null_type = false;
  DecodeError err{};
  if (!decode_type(f.reader(), cache, out, null_type, err)) {
    f.fail(err);
  } else if (null_type) {
    f.fail(DecodeError::kUnexpectedNull);
  }
}

void read_fields(FieldReader& f, const std::vector<FlatField>& flat, FieldsBody& out) {
  if (f.failed()) return;
  if (!out.changed.decode(f.reader()) || !decode_fields(f.reader(), flat, out.changed, out.value))
    f.fail(DecodeError::kTruncatedField);
}

template <typename T>
Result<T> finish(FieldReader& f, T value) {
  if (f.failed()) return f.error();
  if (f.remaining() != 0) return DecodeError::kTrailingBytes;
  return value;
}

}  // namespace

Status error_status(std::string message) {
  return Status{status_type::kError, std::move(message), {}};
}

Result<CreateChannelRequest> decode_create_channel_request(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  CreateChannelRequest m;
  std::uint16_t n = 0;
  f.u16(n);
  // Each channel takes at least 5 bytes: bounded by the data, not the count.
  for (std::uint16_t i = 0; i < n && !f.failed(); ++i) {
    if (f.remaining() < 5) f.fail(DecodeError::kTruncatedField);
    auto& c = m.channels.emplace_back();
    f.u32(c.id);
    f.string(c.name);
  }
  return finish(f, std::move(m));
}

Result<CreateChannelResponse> decode_create_channel_response(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  CreateChannelResponse m;
  f.u32(m.cid);
  f.u32(m.sid);
  f.status(m.status);
  return finish(f, std::move(m));
}

Result<DestroyChannel> decode_destroy_channel(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  DestroyChannel m;
  f.u32(m.sid);
  f.u32(m.cid);
  return finish(f, m);
}

Result<GetFieldRequest> decode_get_field_request(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  GetFieldRequest m;
  f.u32(m.sid);
  f.u32(m.ioid);
  f.string(m.sub_field);
  return finish(f, std::move(m));
}

Result<GetFieldResponse> decode_get_field_response(ByteView payload, ByteOrder order,
                                                   TypeCache& cache) {
  FieldReader f(payload, order);
  GetFieldResponse m;
  f.u32(m.ioid);
  f.status(m.status);
  if (m.status.ok()) read_type(f, cache, m.type);
  return finish(f, std::move(m));
}

Result<OpRequest> decode_op_request(std::uint8_t command, ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  OpRequest m;
  m.command = command;
  f.u32(m.sid);
  f.u32(m.ioid);
  f.u8(m.subcmd);
  f.rest(m.body);
  if (f.failed()) return f.error();
  return m;
}

Result<OpResponse> decode_op_response(std::uint8_t command, ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  OpResponse m;
  m.command = command;
  f.u32(m.ioid);
  f.u8(m.subcmd);
  f.rest(m.body);
  if (f.failed()) return f.error();
  return m;
}

Result<DestroyRequest> decode_destroy_request(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  DestroyRequest m;
  f.u32(m.sid);
  f.u32(m.ioid);
  return finish(f, m);
}

Bytes encode_create_channel_request(const CreateChannelRequest& m, ByteOrder order) {
  return detail::build_message(command::kCreateChannel, false, order, [&](WireWriter& w) {
    w.u16(static_cast<std::uint16_t>(m.channels.size()));
    for (const auto& c : m.channels) {
      w.u32(c.id);
      w.string(c.name);
    }
  });
}

Bytes encode_create_channel_response(const CreateChannelResponse& m, ByteOrder order) {
  return detail::build_message(command::kCreateChannel, true, order, [&](WireWriter& w) {
    w.u32(m.cid);
    w.u32(m.sid);
    write_status(w, m.status);
  });
}

Bytes encode_destroy_channel(const DestroyChannel& m, bool from_server, ByteOrder order) {
  return detail::build_message(command::kDestroyChannel, from_server, order, [&](WireWriter& w) {
    w.u32(m.sid);
    w.u32(m.cid);
  });
}

Bytes encode_get_field_request(const GetFieldRequest& m, ByteOrder order) {
  return detail::build_message(command::kGetField, false, order, [&](WireWriter& w) {
    w.u32(m.sid);
    w.u32(m.ioid);
    w.string(m.sub_field);
  });
}

Bytes encode_get_field_response(const GetFieldResponse& m, ByteOrder order) {
  return detail::build_message(command::kGetField, true, order, [&](WireWriter& w) {
    w.u32(m.ioid);
    write_status(w, m.status);
    if (m.status.ok()) encode_type(w, m.type);
  });
}

Bytes encode_op_request(const OpRequest& m, ByteOrder order) {
  return detail::build_message(m.command, false, order, [&](WireWriter& w) {
    w.u32(m.sid);
    w.u32(m.ioid);
    w.u8(m.subcmd);
    w.bytes(m.body);
  });
}

Bytes encode_op_response(const OpResponse& m, ByteOrder order) {
  return detail::build_message(m.command, true, order, [&](WireWriter& w) {
    w.u32(m.ioid);
    w.u8(m.subcmd);
    w.bytes(m.body);
  });
}

Bytes encode_destroy_request(const DestroyRequest& m, ByteOrder order) {
  return detail::build_message(command::kDestroyRequest, false, order, [&](WireWriter& w) {
    w.u32(m.sid);
    w.u32(m.ioid);
  });
}

Bytes encode_echo(ByteView payload, bool from_server, ByteOrder order) {
  return detail::build_message(command::kEcho, from_server, order,
                               [&](WireWriter& w) { w.bytes(payload); });
}

Result<FieldDesc> decode_pv_request(ByteView body, ByteOrder order, TypeCache& cache) {
  FieldReader f(body, order);
  FieldDesc t;
  read_type(f, cache, t);
  if (!f.failed()) {
    // The full value follows the type: every field, in pre-order.
    const auto flat = flatten(t);
    BitSet all;
    all.set(0);
    PvValue v;
    if (!decode_fields(f.reader(), flat, all, v)) f.fail(DecodeError::kTruncatedField);
  }
  return finish(f, std::move(t));
}

Bytes encode_default_pv_request(ByteOrder order) {
  FieldDesc field;  // struct "" {}
  FieldDesc root;
  root.members.push_back({"field", field});
  // Structures without scalars have an empty value: the type is the whole body.
  return body_bytes(order, [&](WireWriter& w) { encode_type(w, root); });
}

Result<InitReply> decode_init_reply(ByteView body, ByteOrder order, TypeCache& cache) {
  FieldReader f(body, order);
  InitReply m;
  f.status(m.status);
  if (!f.failed() && m.status.ok()) read_type(f, cache, m.type);
  return finish(f, std::move(m));
}

Bytes encode_init_reply(const InitReply& m, ByteOrder order) {
  return body_bytes(order, [&](WireWriter& w) {
    write_status(w, m.status);
    if (m.status.ok()) encode_type(w, m.type);
  });
}

Result<Status> decode_status_body(ByteView body, ByteOrder order) {
  FieldReader f(body, order);
  Status s;
  f.status(s);
  return finish(f, std::move(s));
}

Bytes encode_status_body(const Status& s, ByteOrder order) {
  return body_bytes(order, [&](WireWriter& w) { write_status(w, s); });
}

Result<FieldsBody> decode_fields_body(ByteView body, ByteOrder order,
                                      const std::vector<FlatField>& flat) {
  FieldReader f(body, order);
  FieldsBody m;
  read_fields(f, flat, m);
  return finish(f, std::move(m));
}

Bytes encode_fields_body(const FieldsBody& m, const std::vector<FlatField>& flat, ByteOrder order) {
  return body_bytes(order, [&](WireWriter& w) {
    m.changed.encode(w);
    encode_fields(w, flat, m.changed, m.value);
  });
}

Result<DataReply> decode_data_reply(ByteView body, ByteOrder order,
                                    const std::vector<FlatField>& flat) {
  FieldReader f(body, order);
  DataReply m;
  f.status(m.status);
  if (!f.failed() && m.status.ok()) read_fields(f, flat, m.data);
  return finish(f, std::move(m));
}

Bytes encode_data_reply(const DataReply& m, const std::vector<FlatField>& flat, ByteOrder order) {
  return body_bytes(order, [&](WireWriter& w) {
    write_status(w, m.status);
    if (!m.status.ok()) return;
    m.data.changed.encode(w);
    encode_fields(w, flat, m.data.changed, m.data.value);
  });
}

Result<MonitorUpdate> decode_monitor_update(ByteView body, ByteOrder order,
                                            const std::vector<FlatField>& flat) {
  FieldReader f(body, order);
  MonitorUpdate m;
  read_fields(f, flat, m.data);
  if (!f.failed() && !m.overrun.decode(f.reader())) f.fail(DecodeError::kTruncatedField);
  return finish(f, std::move(m));
}

Bytes encode_monitor_update(const MonitorUpdate& m, const std::vector<FlatField>& flat,
                            ByteOrder order) {
  return body_bytes(order, [&](WireWriter& w) {
    m.data.changed.encode(w);
    encode_fields(w, flat, m.data.changed, m.data.value);
    m.overrun.encode(w);
  });
}

}  // namespace pva
