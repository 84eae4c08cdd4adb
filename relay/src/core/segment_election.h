// The designated forwarder of a segment (issue 20, item 1). Relays that share a
// broadcast domain hear each other's segment hellos (a small UDP broadcast to the mesh
// port, sent on the capture interface every election interval), and each one decides
// alone, from what it heard, as VRRP and EVPN's designated-forwarder election do: the
// relay with the lowest IPv4 address on the segment forwards, the others stand by. A
// mate silent for the hold time (3 intervals) is gone. "Same segment" is what the
// hellos reach, not a subnet: on a Docker Swarm overlay every relay shares one subnet
// but each node is its own broadcast domain, and each node keeps its own forwarder.
// Split brain (mates that cannot hear each other) leaves both forwarding: duplicates,
// never a loss; a starting relay forwards until it hears a lower one, for the same
// reason. Pure: frames in, decisions out; the caller sends the hellos.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "frame_view.h"
#include "snowsignal/clock.h"
#include "snowsignal/net_types.h"

namespace snowsignal {

// "SnEH": not "SS" (a SnowSignal 0.1.1 peer's mesh socket, which also hears the hello,
// drops it) and not "Sn" + 2 (our mesh v2).
inline constexpr std::array<Byte, 4> kHelloMagic = {0x53, 0x6E, 0x45, 0x48};
inline constexpr Byte kHelloVersion = 1;
// magic, version, flags (bit 0: forwarder), 2 reserved, sender id, boot id, address.
inline constexpr std::size_t kHelloPayloadSize = 4 + 1 + 1 + 2 + 8 + 8 + 4;
inline constexpr std::size_t kHelloFrameSize = kEthernetHeaderSize + 20 + 8 + kHelloPayloadSize;

struct SegmentHello {
  std::uint64_t sender = 0;
  std::uint64_t boot = 0;
  Ipv4Address address;  // the sender's interface address: what the election orders by
  bool forwarder = false;
  Ipv4Address ip_source;  // from the IP header: must be a peer's
};

// The hello frame: broadcast from `mac`/`source` to `broadcast`, UDP port `port` both
// ways, IPv4 and UDP checksums set. Returns its size (kHelloFrameSize), 0 if `out` is
// too small.
std::size_t encode_segment_hello(const SegmentHello& hello, const MacAddress& mac,
                                 Ipv4Address broadcast, std::uint16_t port, std::span<Byte> out);

// A hello, when `frame` is one: Ethernet broadcast, IPv4 without fragmentation, UDP to
// `port`, the magic and version, the exact size. nullopt for anything else.
std::optional<SegmentHello> parse_segment_hello(const EthernetView& frame, std::uint16_t port);

// True when a UDP payload is a segment hello's (its size and magic): what the mesh
// socket reads of a hello, which is a broadcast to the mesh port.
bool is_segment_hello_payload(std::span<const Byte> payload);

class SegmentElection {
 public:
  // `self`: our interface's IPv4 address. `hold`: how long a mate stays alive unheard.
  SegmentElection(Ipv4Address self, Duration hold);

  // A hello from a relay on our segment. Ours (the same address) is ignored.
  void heard(Ipv4Address mate, TimePoint now);
  // Drops the mates silent for the hold time and decides; true when the role changed.
  bool decide(TimePoint now);

  bool forwarder() const { return forwarder_; }
  // The relay that forwards for the segment as we see it (ourselves when we do).
  Ipv4Address designated() const { return designated_; }
  // Relays heard on the segment within the hold time, ourselves not counted.
  std::size_t mates() const;
  // How long ago the designated forwarder was heard (zero when it is us).
  Duration heard_ago(TimePoint now) const;

 private:
  struct Mate {
    Ipv4Address address;
    TimePoint last{};
    bool used = false;
  };
  // A segment rarely has more relays than this; beyond it the oldest mate is replaced,
  // which can only leave two forwarders (duplicates), never none.
  static constexpr std::size_t kMaxMates = 32;

  Ipv4Address self_;
  Duration hold_;
  std::array<Mate, kMaxMates> mates_{};
  bool forwarder_ = true;
  Ipv4Address designated_;
  TimePoint designated_heard_{};
};

}  // namespace snowsignal
