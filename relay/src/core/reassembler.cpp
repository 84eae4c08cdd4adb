#include "reassembler.h"

#include <algorithm>

#include "byte_order.h"
#include "checksum.h"

namespace snowsignal {

Reassembler::Reassembler(ReassemblyLimits limits)
    : limits_(limits), slots_(std::max<std::size_t>(limits.slots, 1)) {
  for (Slot& slot : slots_) {
    slot.header.resize(kEthernetHeaderSize + kIpMaxHeaderSize);
    slot.payload.resize(kIpv4MaxTotalLength);
  }
  out_.resize(kEthernetHeaderSize + kIpMaxHeaderSize + kIpv4MaxTotalLength);
}

std::size_t Reassembler::expire(TimePoint now) {
  std::size_t expired = 0;
  for (Slot& slot : slots_) {
    if (slot.used && now - slot.started >= limits_.timeout) {
      slot.used = false;
      ++expired;
    }
  }
  return expired;
}

std::size_t Reassembler::in_flight() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.used; }));
}

std::size_t Reassembler::memory_bytes() const {
  return slots_.size() *
             (sizeof(Slot) + slots_.front().header.size() + slots_.front().payload.size()) +
         out_.size();
}

Reassembler::Slot& Reassembler::slot_for(const IpFrameView& f, TimePoint now,
                                         ReassemblyOutcome& outcome) {
  Slot* free_slot = nullptr;
  Slot* oldest = nullptr;
  for (Slot& slot : slots_) {
    if (!slot.used) {
      if (free_slot == nullptr) free_slot = &slot;
      continue;
    }
    if (slot.ipv6 == f.ipv6 && slot.source == f.ip_source && slot.destination == f.ip_destination &&
        slot.identification == f.identification && (f.ipv6 || slot.protocol == f.protocol)) {
      return slot;
    }
    if (oldest == nullptr || slot.started < oldest->started) oldest = &slot;
  }
  // All busy: the oldest datagram is the likeliest to be lost already; a flood of
  // fragments can then push out real datagrams, but only ever `slots` at a time.
  Slot& slot = free_slot != nullptr ? *free_slot : *oldest;
  if (free_slot == nullptr) ++outcome.evicted;
  slot.used = true;
  slot.ipv6 = f.ipv6;
  slot.source = f.ip_source;
  slot.destination = f.ip_destination;
  slot.identification = f.identification;
  slot.protocol = f.protocol;
  slot.started = now;
  slot.header_size = 0;
  slot.end = 0;
  slot.have_last = false;
  slot.received = 0;
  slot.blocks.reset();
  return slot;
}

ReassemblyOutcome Reassembler::add(const IpFrameView& f, TimePoint now) {
  ReassemblyOutcome outcome;
  outcome.expired = expire(now);
  Slot& slot = slot_for(f, now, outcome);
  const auto give_up = [&](DropReason reason) {
    slot.used = false;
    outcome.drop = reason;
    return outcome;
  };

  const std::span<const Byte> data = f.ip_payload();
  const std::size_t offset = f.fragment_offset();
  const std::size_t end = offset + data.size();
  const bool last = !f.more_fragments();
  // Every fragment but the last carries a multiple of 8 bytes (RFC 791), or the next
  // offset could not be expressed.
  if (data.empty() || (!last && data.size() % 8 != 0)) return give_up(DropReason::kMalformed);
  // The classic "ping of death": fragments that add up past 65535 bytes (IPv4 total
  // length; IPv6 payload length, RFC 8200 section 4.5).
  const std::size_t header_size =
      f.ipv6 ? f.unfragmentable_size - kIpv6HeaderSize : f.ip_header_size;
  if (header_size + end > kIpv4MaxTotalLength) return give_up(DropReason::kFragmentTooLarge);

  const std::size_t first_block = offset / 8;
  const std::size_t last_block = (end + 7) / 8;  // exclusive
  for (std::size_t b = first_block; b < last_block; ++b) {
    if (slot.blocks.test(b)) return give_up(DropReason::kFragmentOverlap);
  }
  if (last) {
    // A second "last" fragment, or data already received beyond this end.
    if (slot.have_last) return give_up(DropReason::kFragmentOverlap);
    for (std::size_t b = last_block; b < kBlocks; ++b) {
      if (slot.blocks.test(b)) return give_up(DropReason::kFragmentOverlap);
    }
    slot.have_last = true;
    slot.end = end;
  } else if (slot.have_last && end > slot.end) {
    return give_up(DropReason::kFragmentOverlap);
  }
  for (std::size_t b = first_block; b < last_block; ++b) slot.blocks.set(b);
  std::copy(data.begin(), data.end(), slot.payload.begin() + static_cast<std::ptrdiff_t>(offset));
  slot.received += data.size();
  if (offset == 0) {
    slot.header_size = kEthernetHeaderSize + (f.ipv6 ? f.unfragmentable_size : f.ip_header_size);
    slot.next_field = f.unfragmentable_next_field;
    slot.protocol = f.protocol;
    std::copy_n(f.bytes.begin(), slot.header_size, slot.header.begin());
  }
  if (!slot.have_last || slot.header_size == 0 || slot.received != slot.end) return outcome;
  const std::size_t whole_header =
      slot.header_size - kEthernetHeaderSize - (slot.ipv6 ? kIpv6HeaderSize : 0);
  if (whole_header + slot.end > kIpv4MaxTotalLength) {
    return give_up(DropReason::kFragmentTooLarge);
  }
  outcome.complete = assemble(slot);
  slot.used = false;
  return outcome;
}

std::span<const Byte> Reassembler::assemble(Slot& slot) {
  std::copy_n(slot.header.begin(), slot.header_size, out_.begin());
  std::copy_n(slot.payload.begin(), slot.end,
              out_.begin() + static_cast<std::ptrdiff_t>(slot.header_size));
  Byte* const ip = out_.data() + kEthernetHeaderSize;
  const std::size_t ihl = slot.header_size - kEthernetHeaderSize;
  if (slot.ipv6) {
    // The fragment header goes: what it said comes next now follows the unfragmentable
    // part directly.
    store_be16(ip + 4, static_cast<std::uint16_t>(ihl - kIpv6HeaderSize + slot.end));
    ip[slot.next_field] = slot.protocol;
    return {out_.data(), slot.header_size + slot.end};
  }
  store_be16(ip + 2, static_cast<std::uint16_t>(ihl + slot.end));
  store_be16(ip + 6, 0);  // whole again: no MF, offset 0 (DF was never set on a fragment)
  store_be16(ip + 10, 0);
  store_be16(ip + 10, ipv4_header_checksum({ip, ihl}));
  return {out_.data(), slot.header_size + slot.end};
}

}  // namespace snowsignal
