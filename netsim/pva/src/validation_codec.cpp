// TCP connection validation: SET_BYTE_ORDER, CONNECTION_VALIDATION both ways,
// CONNECTION_VALIDATED; layouts in pva-notes.md, checked against
// fixtures/pva/tcp-validation.pcap.
#include "field_reader.h"

namespace pva {

using detail::FieldReader;

Result<ServerValidation> decode_server_validation(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  ServerValidation m;
  m.auth_methods.clear();
  f.u32(m.receive_buffer_size);
  f.u16(m.registry_size);
  f.string_list(m.auth_methods);
  if (f.failed()) return f.error();
  return m;
}

Result<ClientValidation> decode_client_validation(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  ClientValidation m;
  f.u32(m.receive_buffer_size);
  f.u16(m.registry_size);
  f.u16(m.qos);
  f.string(m.auth_method);
  f.rest(m.auth_data);
  if (f.failed()) return f.error();
  return m;
}

Result<ConnectionValidated> decode_connection_validated(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  ConnectionValidated m;
  f.u8(m.status.type);
  if (!f.failed() && !m.status.ok()) {
    f.string(m.status.message);
    f.string(m.status.call_tree);
  }
  if (f.failed()) return f.error();
  return m;
}

Bytes encode_server_validation(const ServerValidation& m, ByteOrder order) {
  return detail::build_message(command::kConnectionValidation, true, order, [&](WireWriter& w) {
    w.u32(m.receive_buffer_size);
    w.u16(m.registry_size);
    w.size(m.auth_methods.size());
    for (const auto& a : m.auth_methods) w.string(a);
  });
}

Bytes encode_client_validation(const ClientValidation& m, ByteOrder order) {
  return detail::build_message(command::kConnectionValidation, false, order, [&](WireWriter& w) {
    w.u32(m.receive_buffer_size);
    w.u16(m.registry_size);
    w.u16(m.qos);
    w.string(m.auth_method);
    w.bytes(m.auth_data);
  });
}

Bytes encode_connection_validated(const ConnectionValidated& m, ByteOrder order) {
  return detail::build_message(command::kConnectionValidated, true, order, [&](WireWriter& w) {
    w.u8(m.status.type);
    if (m.status.ok()) return;
    w.string(m.status.message);
    w.string(m.status.call_tree);
  });
}

Bytes encode_set_byte_order(ByteOrder order) {
  Bytes out;
  const auto flags = static_cast<std::uint8_t>(flag::kControl | message_flags(order, true));
  append_header(out, Header{kVersion, flags, control::kSetByteOrder, 0});
  return out;
}

}  // namespace pva
