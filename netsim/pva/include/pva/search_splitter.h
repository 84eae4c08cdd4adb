// Splits a list of channels into SEARCH datagrams no larger than a byte limit.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "pva/messages.h"

namespace pva {

// pvxs fills its search datagrams up to 1337 bytes (fixtures/pva/search-large.pcap:
// 1337, 1337, 329 for 40 names).
inline constexpr std::size_t kPvxsSearchDatagramBytes = 1337;

// Greedy and order-preserving, like pvxs: each datagram takes channels until the next
// one would push the encoded datagram (header included) over max_datagram_bytes.
// Every datagram is `base` with a slice of `channels`. std::nullopt when one channel
// cannot fit even alone. No channels gives no datagrams.
std::optional<std::vector<Search>> split_search(const Search& base,
                                                std::span<const SearchChannel> channels,
                                                std::size_t max_datagram_bytes);

}  // namespace pva
