#include "dedup_cache.h"

#include <algorithm>
#include <cstring>

namespace snowsignal {

namespace {

// A multiply-xorshift mix over 8-byte words: fast, allocation-free, and good enough for
// telling datagrams apart inside a half-second window (not a defence against forgery).
constexpr std::uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;

std::uint64_t mix(std::uint64_t hash, std::uint64_t word) {
  hash ^= word;
  hash *= kMultiplier;
  return hash ^ (hash >> 32);
}

}  // namespace

std::uint64_t frame_fingerprint(const FrameView& frame) {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::memcpy(&high, frame.ip_source.octets.data(), sizeof high);
  std::memcpy(&low, frame.ip_source.octets.data() + 8, sizeof low);
  std::uint64_t hash = mix(mix(0x736e6f777369676eULL, high), low);
  hash = mix(hash, (std::uint64_t{frame.udp_source_port} << 16) | frame.udp_destination_port);
  const Byte* p = frame.udp_payload.data();
  std::size_t left = frame.udp_payload.size();
  for (; left >= 8; p += 8, left -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    hash = mix(hash, word);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p, left);
  hash = mix(hash, tail ^ (std::uint64_t{frame.udp_payload.size()} << 48));
  return hash == 0 ? 1 : hash;
}

DedupCache::DedupCache(Duration window) : window_(window) {}

bool DedupCache::recent(TimePoint then, TimePoint now) const {
  return then != TimePoint::min() && now - then < window_;
}

const DedupCache::Entry* DedupCache::find(std::uint64_t fingerprint) const {
  const std::size_t start = fingerprint & (kSlots - 1);
  for (std::size_t i = 0; i < kProbe; ++i) {
    const Entry& entry = entries_[(start + i) & (kSlots - 1)];
    if (entry.fingerprint == fingerprint) return &entry;
  }
  return nullptr;
}

DedupCache::Entry& DedupCache::slot_for(std::uint64_t fingerprint) {
  const std::size_t start = fingerprint & (kSlots - 1);
  Entry* oldest = nullptr;
  TimePoint oldest_use = TimePoint::max();
  for (std::size_t i = 0; i < kProbe; ++i) {
    Entry& entry = entries_[(start + i) & (kSlots - 1)];
    if (entry.fingerprint == fingerprint) return entry;
    const TimePoint last_use = std::max(entry.captured, entry.received);
    if (last_use < oldest_use) {
      oldest = &entry;
      oldest_use = last_use;
    }
  }
  // Replace the least recently used slot of the probe run (empty slots are oldest).
  *oldest = Entry{fingerprint, TimePoint::min(), TimePoint::min()};
  return *oldest;
}

bool DedupCache::captured_recently(std::uint64_t fingerprint, TimePoint now) const {
  if (!enabled()) return false;
  const Entry* entry = find(fingerprint);
  return entry != nullptr && recent(entry->captured, now);
}

bool DedupCache::received_recently(std::uint64_t fingerprint, TimePoint now) const {
  if (!enabled()) return false;
  const Entry* entry = find(fingerprint);
  return entry != nullptr && recent(entry->received, now);
}

void DedupCache::note_captured(std::uint64_t fingerprint, TimePoint now) {
  if (enabled()) slot_for(fingerprint).captured = now;
}

void DedupCache::note_received(std::uint64_t fingerprint, TimePoint now) {
  if (enabled()) slot_for(fingerprint).received = now;
}

}  // namespace snowsignal
