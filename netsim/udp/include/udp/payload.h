// The test datagram of udp-send / udp-recv: a small header (sequence number, send time,
// size) and then a byte pattern derived from the sequence number alone, so the receiver
// can check every byte of every datagram without knowing anything else.
//
//   offset  size  field (big-endian)
//   0       4     magic "UDPT"
//   4       4     run id (the sender's; tells runs apart)
//   8       4     sequence number, 0-based
//   12      4     total payload size in bytes (so truncation shows)
//   16      8     send time, CLOCK_REALTIME nanoseconds (all netsim namespaces share it)
//   24      ...   pattern(sequence) bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace udp {

inline constexpr std::size_t kHeaderBytes = 24;
inline constexpr std::size_t kMaxPayload = 65507;    // IPv4 UDP maximum
inline constexpr std::uint32_t kMagic = 0x55445054;  // "UDPT"

struct PayloadHeader {
  std::uint32_t run_id = 0;
  std::uint32_t seq = 0;
  std::uint32_t size = 0;
  std::uint64_t sent_ns = 0;
};

// Fills buf (buf.size() >= kHeaderBytes) with header and pattern. The pattern part of a
// given (seq, size) is always the same, so a sender can build it once per datagram.
void write_payload(std::span<std::uint8_t> buf, const PayloadHeader& h);
// Rewrites only the send time (the hot path of a paced sender).
void stamp_send_time(std::span<std::uint8_t> buf, std::uint64_t sent_ns);

enum class PayloadKind {
  ours,     // magic matched and the header is consistent
  foreign,  // not our format: too short or wrong magic
};

struct PayloadCheck {
  PayloadKind kind = PayloadKind::foreign;
  PayloadHeader header;
  bool size_matches = false;  // header size == bytes received
  std::size_t bad_bytes = 0;  // pattern bytes that differ (plus missing ones)
  bool intact() const { return kind == PayloadKind::ours && size_matches && bad_bytes == 0; }
};

PayloadCheck check_payload(std::span<const std::uint8_t> received);

}  // namespace udp
