// SEARCH (0x03) and SEARCH_RESPONSE (0x04); layouts in pva-notes.md, checked against
// fixtures/pva/search-exchange.pcap.
#include "field_reader.h"

namespace pva {

using detail::FieldReader;

Result<Search> decode_search(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  Search m;
  m.protocols.clear();
  f.u32(m.sequence_id);
  f.u8(m.flags);
  std::array<std::uint8_t, 3> reserved{};
  f.fixed(reserved);
  f.address(m.response_address);
  f.u16(m.response_port);
  f.string_list(m.protocols);
  std::uint16_t nchan = 0;
  f.u16(nchan);
  for (std::uint16_t i = 0; i < nchan && !f.failed(); ++i) {
    if (f.remaining() < 5) return DecodeError::kTruncatedField;  // id + Size at least
    SearchChannel& c = m.channels.emplace_back();
    f.u32(c.id);
    f.string(c.name);
  }
  if (f.failed()) return f.error();
  return m;
}

Result<SearchResponse> decode_search_response(ByteView payload, ByteOrder order) {
  FieldReader f(payload, order);
  SearchResponse m;
  f.fixed(m.guid);
  f.u32(m.sequence_id);
  f.address(m.server_address);
  f.u16(m.server_port);
  f.string(m.protocol);
  std::uint8_t found = 0;
  f.u8(found);
  m.found = found != 0;
  std::uint16_t count = 0;
  f.u16(count);
  for (std::uint16_t i = 0; i < count && !f.failed(); ++i) {
    if (f.remaining() < 4) return DecodeError::kTruncatedField;
    f.u32(m.channel_ids.emplace_back());
  }
  if (f.failed()) return f.error();
  return m;
}

namespace {
void write_search_body(WireWriter& w, const Search& m) {
  w.u32(m.sequence_id);
  w.u8(m.flags);
  w.u8(0);
  w.u8(0);
  w.u8(0);
  w.bytes(m.response_address.bytes);
  w.u16(m.response_port);
  w.size(m.protocols.size());
  for (const auto& p : m.protocols) w.string(p);
  w.u16(static_cast<std::uint16_t>(m.channels.size()));
  for (const auto& c : m.channels) {
    w.u32(c.id);
    w.string(c.name);
  }
}
}  // namespace

Bytes encode_search(const Search& m, ByteOrder order) {
  return detail::build_message(command::kSearch, false, order,
                               [&](WireWriter& w) { write_search_body(w, m); });
}

std::size_t encoded_length(const Search& m) {
  std::size_t n = kHeaderSize + 4 + 1 + 3 + 16 + 2 + encoded_size_length(m.protocols.size());
  for (const auto& p : m.protocols) n += encoded_size_length(p.size()) + p.size();
  n += 2;
  for (const auto& c : m.channels) n += 4 + encoded_size_length(c.name.size()) + c.name.size();
  return n;
}

Bytes encode_search_response(const SearchResponse& m, ByteOrder order) {
  return detail::build_message(command::kSearchResponse, true, order, [&](WireWriter& w) {
    w.bytes(m.guid);
    w.u32(m.sequence_id);
    w.bytes(m.server_address.bytes);
    w.u16(m.server_port);
    w.string(m.protocol);
    w.u8(m.found ? 1 : 0);
    w.u16(static_cast<std::uint16_t>(m.channel_ids.size()));
    for (auto id : m.channel_ids) w.u32(id);
  });
}

}  // namespace pva
