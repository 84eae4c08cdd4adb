#include "fragmenter.h"

#include <algorithm>
#include <array>
#include <cassert>

#include "byte_order.h"
#include "checksum.h"

namespace snowsignal {

namespace {

// The IPv4 header for fragments after the first: the fixed 20 bytes and the options with
// the copy flag (RFC 791: type bit 0x80), padded with End of Option List to 32 bits.
std::size_t later_header(std::span<const Byte> header, std::array<Byte, kIpv4MaxHeaderSize>& out) {
  std::copy_n(header.begin(), kIpv4MinHeaderSize, out.begin());
  std::size_t size = kIpv4MinHeaderSize;
  std::size_t i = kIpv4MinHeaderSize;
  while (i < header.size()) {
    const Byte type = header[i];
    if (type == 0) break;  // End of Option List
    if (type == 1) {       // No Operation: one byte, never copied
      ++i;
      continue;
    }
    if (i + 1 >= header.size()) break;
    const std::size_t length = header[i + 1];
    if (length < 2 || i + length > header.size()) break;  // malformed: copy nothing more
    if ((type & 0x80U) != 0) {
      std::copy_n(header.begin() + static_cast<std::ptrdiff_t>(i), length,
                  out.begin() + static_cast<std::ptrdiff_t>(size));
      size += length;
    }
    i += length;
  }
  while (size % 4 != 0) out[size++] = 0;
  out[0] = static_cast<Byte>(0x40U | (size / 4));
  return size;
}

// One fragment to the sink, counted either way: a lost fragment loses the datagram, and
// the caller reports it from `result.failed`.
void send_counted(FrameSink& sink, std::span<const Byte> fragment, FragmentResult& result) {
  if (sink.send(fragment)) {
    ++result.sent;
  } else {
    ++result.failed;
  }
}

}  // namespace

FragmentResult send_fragmented(std::span<const Byte> frame, std::size_t ip_header_size,
                               std::size_t mtu, FrameSink& sink, std::span<Byte> scratch) {
  assert(mtu >= 68 && scratch.size() >= kEthernetHeaderSize + mtu);
  const Byte* const ip = frame.data() + kEthernetHeaderSize;
  const std::size_t total = load_be16(ip + 2);
  const std::span<const Byte> first_header(ip, ip_header_size);
  const std::span<const Byte> payload(ip + ip_header_size, total - ip_header_size);
  std::array<Byte, kIpv4MaxHeaderSize> rest_header{};
  const std::size_t rest_header_size = later_header(first_header, rest_header);
  // Keep the sender's flag bits other than MF (DF is clear, or we would not be here).
  const std::uint16_t flags = load_be16(ip + 6) & ~(kIpv4MoreFragments | kIpv4OffsetMask);

  FragmentResult result;
  std::size_t offset = 0;
  while (offset < payload.size()) {
    const bool first = offset == 0;
    const std::span<const Byte> header =
        first ? first_header : std::span<const Byte>(rest_header.data(), rest_header_size);
    const std::size_t room = (mtu - header.size()) & ~std::size_t{7};
    const std::size_t length = std::min(room, payload.size() - offset);
    const bool more = offset + length < payload.size();

    Byte* const out = scratch.data();
    std::copy_n(frame.begin(), kEthernetHeaderSize, out);
    Byte* const out_ip = out + kEthernetHeaderSize;
    std::copy(header.begin(), header.end(), out_ip);
    store_be16(out_ip + 2, static_cast<std::uint16_t>(header.size() + length));
    store_be16(out_ip + 6,
               static_cast<std::uint16_t>(flags | (more ? kIpv4MoreFragments : 0) | (offset / 8)));
    store_be16(out_ip + 10, 0);
    store_be16(out_ip + 10, ipv4_header_checksum({out_ip, header.size()}));
    std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(offset), length,
                out_ip + header.size());
    const std::size_t size = kEthernetHeaderSize + header.size() + length;
    send_counted(sink, {out, size}, result);
    offset += length;
  }
  return result;
}

FragmentResult send_ipv6_fragmented(std::span<const Byte> frame, const FrameView& layout,
                                    std::size_t mtu, std::uint32_t identification, FrameSink& sink,
                                    std::span<Byte> scratch) {
  const std::size_t unfragmentable = layout.unfragmentable_size;
  assert(mtu >= kIpv6MinimumMtu && unfragmentable + kIpv6FragmentHeaderSize + 8 <= mtu &&
         scratch.size() >= kEthernetHeaderSize + mtu);
  const Byte* const ip = frame.data() + kEthernetHeaderSize;
  const std::size_t total = kIpv6HeaderSize + load_be16(ip + 4);
  Byte next = ip[layout.unfragmentable_next_field];
  std::size_t start = unfragmentable;
  // An atomic fragment (a fragment header with offset 0 and no M, RFC 6946) is a whole
  // datagram; its fragment header gives way to ours rather than nesting inside them.
  if (next == kNextHeaderFragment) {
    next = ip[start];
    start += kIpv6FragmentHeaderSize;
  }
  const std::span<const Byte> rest(ip + start, total - start);
  const std::size_t room = (mtu - unfragmentable - kIpv6FragmentHeaderSize) & ~std::size_t{7};

  FragmentResult result;
  std::size_t offset = 0;
  while (offset < rest.size()) {
    const std::size_t length = std::min(room, rest.size() - offset);
    const bool more = offset + length < rest.size();
    Byte* const out = scratch.data();
    std::copy_n(frame.begin(), kEthernetHeaderSize + unfragmentable, out);
    Byte* const out_ip = out + kEthernetHeaderSize;
    out_ip[layout.unfragmentable_next_field] = kNextHeaderFragment;
    store_be16(out_ip + 4, static_cast<std::uint16_t>(unfragmentable - kIpv6HeaderSize +
                                                      kIpv6FragmentHeaderSize + length));
    Byte* const fragment_header = out_ip + unfragmentable;
    fragment_header[0] = next;
    fragment_header[1] = 0;
    store_be16(fragment_header + 2,
               static_cast<std::uint16_t>(offset | (more ? kIpv6MoreFragments : 0)));
    store_be32(fragment_header + 4, identification);
    std::copy_n(rest.begin() + static_cast<std::ptrdiff_t>(offset), length,
                fragment_header + kIpv6FragmentHeaderSize);
    const std::size_t size =
        kEthernetHeaderSize + unfragmentable + kIpv6FragmentHeaderSize + length;
    send_counted(sink, {out, size}, result);
    offset += length;
  }
  return result;
}

FragmentResult send_fragmented(std::span<const Byte> frame, const FrameView& layout,
                               std::size_t mtu, std::uint32_t ipv6_identification, FrameSink& sink,
                               std::span<Byte> scratch) {
  if (layout.ipv6) {
    return send_ipv6_fragmented(frame, layout, mtu, ipv6_identification, sink, scratch);
  }
  return send_fragmented(frame, layout.ip_header_size, mtu, sink, scratch);
}

}  // namespace snowsignal
