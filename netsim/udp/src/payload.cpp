#include "udp/payload.h"

namespace udp {

namespace {

void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}
void put64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<std::uint8_t>(v);
}
std::uint32_t get32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// splitmix64: cheap, and every sequence number gives a different stream, so a datagram
// delivered under the wrong header (or two payloads spliced) cannot pass the check.
struct Pattern {
  explicit Pattern(std::uint32_t seq) : state(0x9E3779B97F4A7C15ULL * (seq + 1ULL)) {}
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state;
};

}  // namespace

void write_payload(std::span<std::uint8_t> buf, const PayloadHeader& h) {
  std::uint8_t* p = buf.data();
  put32(p, kMagic);
  put32(p + 4, h.run_id);
  put32(p + 8, h.seq);
  put32(p + 12, static_cast<std::uint32_t>(buf.size()));
  put64(p + 16, h.sent_ns);
  Pattern pat(h.seq);
  for (std::size_t i = kHeaderBytes; i < buf.size(); i += 8) {
    std::uint64_t word = pat.next();
    for (std::size_t k = 0; k < 8 && i + k < buf.size(); ++k, word >>= 8)
      p[i + k] = static_cast<std::uint8_t>(word);
  }
}

void stamp_send_time(std::span<std::uint8_t> buf, std::uint64_t sent_ns) {
  put64(buf.data() + 16, sent_ns);
}

PayloadCheck check_payload(std::span<const std::uint8_t> received) {
  PayloadCheck c;
  if (received.size() < kHeaderBytes || get32(received.data()) != kMagic) return c;
  const std::uint8_t* p = received.data();
  c.kind = PayloadKind::ours;
  c.header.run_id = get32(p + 4);
  c.header.seq = get32(p + 8);
  c.header.size = get32(p + 12);
  c.header.sent_ns = get64(p + 16);
  c.size_matches = c.header.size == received.size();
  // Compare against the pattern of the size the sender announced: missing bytes count
  // as bad, extra bytes too.
  const std::size_t expected = c.header.size < kHeaderBytes ? kHeaderBytes : c.header.size;
  const std::size_t common = expected < received.size() ? expected : received.size();
  Pattern pat(c.header.seq);
  for (std::size_t i = kHeaderBytes; i < common; i += 8) {
    std::uint64_t word = pat.next();
    for (std::size_t k = 0; k < 8 && i + k < common; ++k, word >>= 8)
      if (p[i + k] != static_cast<std::uint8_t>(word)) ++c.bad_bytes;
  }
  c.bad_bytes +=
      (expected > received.size() ? expected - received.size() : received.size() - expected);
  return c;
}

}  // namespace udp
