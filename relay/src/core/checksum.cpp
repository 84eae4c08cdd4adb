#include "checksum.h"

#include "byte_order.h"
#include "frame_view.h"

namespace snowsignal {

std::uint64_t ones_complement_sum(std::span<const Byte> bytes, std::uint64_t sum) {
  const Byte* p = bytes.data();
  std::size_t left = bytes.size();
  // Summing 32-bit big-endian words into 64 bits equals summing the 16-bit words
  // once folded (RFC 1071 section 2, "deferred carries"), at half the iterations.
  for (; left >= 4; p += 4, left -= 4) sum += load_be32(p);
  if (left >= 2) {
    sum += load_be16(p);
    p += 2;
    left -= 2;
  }
  if (left == 1) sum += std::uint64_t{p[0]} << 8;
  return sum;
}

std::uint16_t finish_checksum(std::uint64_t sum) {
  while ((sum >> 16) != 0) sum = (sum & 0xffffU) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffffU);
}

std::uint16_t ipv4_header_checksum(std::span<const Byte> header) {
  return finish_checksum(ones_complement_sum(header));
}

std::uint16_t udp_checksum(Ipv4Address source, Ipv4Address destination,
                           std::span<const Byte> udp_header_and_data) {
  std::uint64_t sum =
      std::uint64_t{source.value} + destination.value + kProtocolUdp + udp_header_and_data.size();
  sum = ones_complement_sum(udp_header_and_data, sum);
  const std::uint16_t checksum = finish_checksum(sum);
  return checksum == 0 ? std::uint16_t{0xffff} : checksum;
}

std::uint16_t udp_checksum(const IpAddress& source, const IpAddress& destination,
                           std::span<const Byte> udp_header_and_data) {
  if (source.is_v4() && destination.is_v4()) {
    return udp_checksum(source.v4(), destination.v4(), udp_header_and_data);
  }
  std::uint64_t sum = ones_complement_sum(source.octets);
  sum = ones_complement_sum(destination.octets, sum);
  sum += udp_header_and_data.size() + kProtocolUdp;
  sum = ones_complement_sum(udp_header_and_data, sum);
  const std::uint16_t checksum = finish_checksum(sum);
  return checksum == 0 ? std::uint16_t{0xffff} : checksum;
}

}  // namespace snowsignal
