#include "pva/search_splitter.h"

#include "pva/codec.h"

namespace pva {

std::optional<std::vector<Search>> split_search(const Search& base,
                                                std::span<const SearchChannel> channels,
                                                std::size_t max_datagram_bytes) {
  Search empty = base;
  empty.channels.clear();
  const std::size_t overhead = encoded_length(empty);
  std::vector<Search> out;
  std::size_t used = max_datagram_bytes + 1;  // forces a new datagram for the first channel
  for (const auto& c : channels) {
    const std::size_t cost = 4 + encoded_size_length(c.name.size()) + c.name.size();
    if (overhead + cost > max_datagram_bytes) return std::nullopt;
    if (out.empty() || used + cost > max_datagram_bytes) {
      out.push_back(empty);
      used = overhead;
    }
    out.back().channels.push_back(c);
    used += cost;
  }
  return out;
}

}  // namespace pva
