// The Internet checksum (RFC 1071) for IPv4 headers (RFC 791) and UDP (RFC 768) over
// IPv4 and IPv6.
#pragma once

#include <cstdint>
#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

// One's-complement sum of 16-bit big-endian words, not yet folded or inverted. An odd
// trailing byte is padded with zero, as RFC 768 prescribes.
std::uint64_t ones_complement_sum(std::span<const Byte> bytes, std::uint64_t sum = 0);

// Folds the sum to 16 bits and inverts it.
std::uint16_t finish_checksum(std::uint64_t sum);

// Checksum of an IPv4 header whose checksum field (bytes 10-11) is zero.
std::uint16_t ipv4_header_checksum(std::span<const Byte> header);

// UDP checksum over the pseudo-header (source, destination, zero, protocol 17, UDP
// length) and the UDP header + data, whose checksum field is zero. A computed 0 is
// sent as 0xFFFF, because 0 on the wire means "no checksum" (RFC 768).
std::uint16_t udp_checksum(Ipv4Address source, Ipv4Address destination,
                           std::span<const Byte> udp_header_and_data);

// The same for either family: IPv4-mapped addresses take the IPv4 pseudo-header above,
// IPv6 ones the IPv6 pseudo-header of RFC 8200 section 8.1 (source, destination, 32-bit
// upper-layer length, three zero bytes, next header 17).
std::uint16_t udp_checksum(const IpAddress& source, const IpAddress& destination,
                           std::span<const Byte> udp_header_and_data);

}  // namespace snowsignal
