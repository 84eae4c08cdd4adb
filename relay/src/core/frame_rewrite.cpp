#include "frame_rewrite.h"

#include <algorithm>
#include <cassert>

#include "byte_order.h"
#include "checksum.h"

namespace snowsignal {

std::size_t rewrite_frame(const FrameView& frame, const Emission& emission,
                          const MacAddress& interface_mac, std::span<Byte> out) {
  const std::size_t size = frame.frame_size();
  assert(out.size() >= size);
  Byte* const eth = out.data();
  std::copy_n(frame.bytes.data(), size, eth);

  std::copy(emission.destination_mac.octets.begin(), emission.destination_mac.octets.end(), eth);
  std::copy(interface_mac.octets.begin(), interface_mac.octets.end(), eth + 6);

  Byte* const ip = eth + kEthernetHeaderSize;
  if (frame.ipv6) {
    // The group is kept, and with it the source, hop limit, flow label and every
    // extension header: only the Ethernet header changed. The UDP checksum is computed
    // afresh all the same, so what we emit is valid whatever the peer sent.
    std::copy(emission.ip_destination.octets.begin(), emission.ip_destination.octets.end(),
              ip + 24);
  } else {
    store_be32(ip + 16, emission.ip_destination.v4().value);
    store_be16(ip + 10, 0);
    store_be16(ip + 10, ipv4_header_checksum({ip, frame.ip_header_size}));
  }

  // IPv4: 0 means the sender sent no checksum, and stays. IPv6 has no such choice (a
  // datagram with 0 never gets this far: frame_view.h).
  if (frame.udp_checksum != 0) {
    Byte* const udp = ip + frame.ip_header_size;
    store_be16(udp + 6, 0);
    const std::size_t udp_size = frame.ip_total_length - frame.ip_header_size;
    store_be16(udp + 6, udp_checksum(frame.ip_source, emission.ip_destination, {udp, udp_size}));
  }
  return size;
}

}  // namespace snowsignal
