#include "pva/udp_datagram.h"

#include "pva/codec.h"

namespace pva {

namespace {
Result<UdpBody> decode_body(const Header& h, ByteView payload) {
  const ByteOrder order = h.byte_order();
  switch (h.command) {
    case command::kSearch: {
      auto r = decode_search(payload, order);
      if (!r) return r.error();
      return UdpBody{std::move(r).value()};
    }
    case command::kSearchResponse: {
      auto r = decode_search_response(payload, order);
      if (!r) return r.error();
      return UdpBody{std::move(r).value()};
    }
    case command::kBeacon: {
      auto r = decode_beacon(payload, order);
      if (!r) return r.error();
      return UdpBody{std::move(r).value()};
    }
    default:
      return UdpBody{OtherMessage{{payload.begin(), payload.end()}}};
  }
}
}  // namespace

Result<std::vector<UdpMessage>> decode_udp_datagram(std::span<const std::uint8_t> datagram) {
  std::vector<UdpMessage> out;
  if (datagram.empty()) return DecodeError::kTruncatedHeader;
  while (!datagram.empty()) {
    auto h = decode_header(datagram);
    if (!h) return h.error();
    // pvxs udp_collector.cpp: UDP never carries control or segmented messages.
    if (h->is_control()) return DecodeError::kControlOnUdp;
    if (h->is_segmented()) return DecodeError::kSegmentedOnUdp;
    datagram = datagram.subspan(kHeaderSize);
    if (h->size > datagram.size()) return DecodeError::kSizeBeyondData;
    auto body = decode_body(*h, datagram.first(h->size));
    if (!body) return body.error();
    out.push_back(UdpMessage{*h, std::move(body).value()});
    datagram = datagram.subspan(h->size);
  }
  return out;
}

}  // namespace pva
