// The 8-byte PVA message header (PVA spec "Message header"; pvxs pvaproto.h Header).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pva/result.h"
#include "pva/wire.h"

namespace pva {

inline constexpr std::uint8_t kMagic = 0xCA;
inline constexpr std::uint8_t kVersion = 2;  // what pvxs sends
inline constexpr std::size_t kHeaderSize = 8;

namespace flag {
inline constexpr std::uint8_t kControl = 0x01;
inline constexpr std::uint8_t kSegmentMask = 0x30;
inline constexpr std::uint8_t kServer = 0x40;
inline constexpr std::uint8_t kBigEndian = 0x80;
}  // namespace flag

namespace command {
inline constexpr std::uint8_t kBeacon = 0x00;
inline constexpr std::uint8_t kConnectionValidation = 0x01;
inline constexpr std::uint8_t kEcho = 0x02;
inline constexpr std::uint8_t kSearch = 0x03;
inline constexpr std::uint8_t kSearchResponse = 0x04;
inline constexpr std::uint8_t kCreateChannel = 0x07;
inline constexpr std::uint8_t kDestroyChannel = 0x08;
inline constexpr std::uint8_t kConnectionValidated = 0x09;
inline constexpr std::uint8_t kGet = 0x0A;
inline constexpr std::uint8_t kPut = 0x0B;
inline constexpr std::uint8_t kMonitor = 0x0D;
inline constexpr std::uint8_t kDestroyRequest = 0x0F;
inline constexpr std::uint8_t kGetField = 0x11;
}  // namespace command

namespace control {
inline constexpr std::uint8_t kSetByteOrder = 0x02;
}  // namespace control

struct Header {
  std::uint8_t version = kVersion;
  std::uint8_t flags = 0;
  std::uint8_t command = 0;
  // Payload size; for control messages the control value instead.
  std::uint32_t size = 0;

  bool is_control() const { return (flags & flag::kControl) != 0; }
  bool is_segmented() const { return (flags & flag::kSegmentMask) != 0; }
  bool from_server() const { return (flags & flag::kServer) != 0; }
  ByteOrder byte_order() const {
    return (flags & flag::kBigEndian) != 0 ? ByteOrder::kBig : ByteOrder::kLittle;
  }
  bool operator==(const Header&) const = default;
};

// Flags for an application message in the given byte order.
constexpr std::uint8_t message_flags(ByteOrder order, bool from_server) {
  return static_cast<std::uint8_t>((order == ByteOrder::kBig ? flag::kBigEndian : 0) |
                                   (from_server ? flag::kServer : 0));
}

// Decodes the first 8 bytes. Checks magic and version only: what may follow
// (control, segmentation, size vs bytes left) depends on the transport.
Result<Header> decode_header(std::span<const std::uint8_t> data);

// Appends the header; the size field uses the byte order named by the flags.
void append_header(std::vector<std::uint8_t>& out, const Header& h);

}  // namespace pva
