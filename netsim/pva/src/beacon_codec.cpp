// BEACON (0x00); layout in pva-notes.md, checked against fixtures/pva/beacon.pcap.
#include "field_reader.h"

namespace pva {

Result<Beacon> decode_beacon(ByteView payload, ByteOrder order) {
  detail::FieldReader f(payload, order);
  Beacon m;
  f.fixed(m.guid);
  f.u8(m.flags);
  f.u8(m.sequence);
  f.u16(m.change_count);
  f.address(m.server_address);
  f.u16(m.server_port);
  f.string(m.protocol);
  // The status is a typed value (pvData introspection); kept raw, may be absent in
  // beacons from older servers.
  f.rest(m.server_status);
  if (f.failed()) return f.error();
  return m;
}

Bytes encode_beacon(const Beacon& m, ByteOrder order) {
  return detail::build_message(command::kBeacon, true, order, [&](WireWriter& w) {
    w.bytes(m.guid);
    w.u8(m.flags);
    w.u8(m.sequence);
    w.u16(m.change_count);
    w.bytes(m.server_address.bytes);
    w.u16(m.server_port);
    w.string(m.protocol);
    w.bytes(m.server_status);
  });
}

}  // namespace pva
