// Bounded reassembly of captured IPv4 fragments (RFC 791 section 3.2) and IPv6 fragments
// (RFC 8200 section 4.5), RFC 815 style bookkeeping, so a broadcast or multicast larger
// than the MTU travels the mesh whole. Both families share the slots, the timeout and
// the drop reasons.
//
// Hand-written in the core rather than libtins' Tins::IPv4Reassembler because that one
// cannot be bounded: it keeps every stream in an unbounded std::map with no timeout and
// no memory limit (only manual remove_stream/clear_streams), it cannot report overlapping
// fragments (its only technique is NONE), it allocates per fragment, and the core must
// not depend on libtins. This one preallocates everything once: `slots` datagrams in
// flight, each with room for the largest IP payload, so its memory is fixed
// (memory_bytes()), and the hot path never allocates.
#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "frame_view.h"
#include "snowsignal/clock.h"
#include "snowsignal/counters.h"

namespace snowsignal {

struct ReassemblyLimits {
  std::size_t slots = 16;                      // datagrams in flight at once
  Duration timeout = std::chrono::seconds(2);  // from a datagram's first fragment seen
};

struct ReassemblyOutcome {
  // This fragment's datagram was given up (fragment_overlap, fragment_too_large,
  // malformed); its other fragments are forgotten too.
  std::optional<DropReason> drop;
  // The whole datagram, as one Ethernet II frame. IPv4: the first fragment's Ethernet and
  // IPv4 headers, total length and checksum fixed, no fragment flags. IPv6: the first
  // fragment's Ethernet header and unfragmentable part, the fragment header removed (its
  // next header takes its place in the chain), payload length fixed. Valid until the
  // next call. Empty while fragments are missing.
  std::span<const Byte> complete;
  std::size_t expired = 0;  // other datagrams that timed out (reassembly_timeout)
  std::size_t evicted = 0;  // other datagrams given up to make room (reassembly_overflow)
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyLimits limits = {});

  // `fragment` must be a fragment (is_fragment()). Datagrams are told apart by source,
  // destination and identification, and for IPv4 the protocol too (RFC 791, RFC 8200).
  ReassemblyOutcome add(const IpFrameView& fragment, TimePoint now);

  // Forgets datagrams whose time is up; returns how many (count them as timeouts).
  std::size_t expire(TimePoint now);

  std::size_t in_flight() const;
  std::size_t memory_bytes() const;

 private:
  // 8-byte blocks of the largest fragmentable payload: which parts have arrived.
  static constexpr std::size_t kBlocks = (kIpv4MaxTotalLength + 7) / 8;
  struct Slot {
    bool used = false;
    bool ipv6 = false;
    IpAddress source;
    IpAddress destination;
    std::uint32_t identification = 0;
    std::uint8_t protocol = 0;  // IPv6: the fragment header's next header
    TimePoint started;
    // Ethernet + IPv4 header (IPv6: unfragmentable part) of the first fragment; 0: not seen
    std::size_t header_size = 0;
    std::size_t next_field = 0;  // IPv6: where the unfragmentable part names what follows
    std::size_t end = 0;         // payload length, known once the last fragment arrived
    bool have_last = false;
    std::size_t received = 0;  // payload bytes received (no overlaps, so no double count)
    std::bitset<kBlocks> blocks;
    std::vector<Byte> header;   // kEthernetHeaderSize + kIpMaxHeaderSize
    std::vector<Byte> payload;  // kIpv4MaxTotalLength
  };

  Slot& slot_for(const IpFrameView& fragment, TimePoint now, ReassemblyOutcome& outcome);
  std::span<const Byte> assemble(Slot& slot);

  ReassemblyLimits limits_;
  std::vector<Slot> slots_;
  std::vector<Byte> out_;  // the completed frame
};

}  // namespace snowsignal
