#include "pva/header.h"

namespace pva {

Result<Header> decode_header(std::span<const std::uint8_t> data) {
  if (data.size() < kHeaderSize) return DecodeError::kTruncatedHeader;
  if (data[0] != kMagic) return DecodeError::kBadMagic;
  // pvxs pvaproto.h from_wire(Header): version 0 is a fault.
  if (data[1] == 0) return DecodeError::kBadVersion;
  Header h;
  h.version = data[1];
  h.flags = data[2];
  h.command = data[3];
  WireReader r(data.subspan(4, 4), h.byte_order());
  r.u32(h.size);
  return h;
}

void append_header(std::vector<std::uint8_t>& out, const Header& h) {
  out.push_back(kMagic);
  out.push_back(h.version);
  out.push_back(h.flags);
  out.push_back(h.command);
  WireWriter(out, h.byte_order()).u32(h.size);
}

}  // namespace pva
