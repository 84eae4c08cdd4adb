// A UDP datagram holds one or more messages back to back (pvxs udp_collector.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "pva/header.h"
#include "pva/messages.h"
#include "pva/result.h"

namespace pva {

// A well-formed message of a command the fake peers do not interpret (pvxs also
// skips unknown commands, e.g. ORIGIN_TAG, by their size).
struct OtherMessage {
  std::vector<std::uint8_t> payload;
  bool operator==(const OtherMessage&) const = default;
};

using UdpBody = std::variant<Search, SearchResponse, Beacon, OtherMessage>;

struct UdpMessage {
  Header header;
  UdpBody body;
};

// Decodes every message. The whole datagram is rejected, with the first reason met,
// if any message is malformed: a relay-mangled datagram should be visible as such,
// not half-answered.
Result<std::vector<UdpMessage>> decode_udp_datagram(std::span<const std::uint8_t> datagram);

}  // namespace pva
