// What the relay counts. The names are a public contract: they are the keys of the
// stats JSON that netsim and the integration tests read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "snowsignal/net_types.h"

namespace snowsignal {

enum class DropReason : std::size_t {
  kOwnMac,         // Ethernet source is one of this host's MACs (our own re-broadcast)
  kNotBroadcast,   // Ethernet destination is neither broadcast nor the IP group's MAC
  kNotIpv4,        // ethertype is neither IPv4 (0x0800) nor IPv6 (0x86DD)
  kNotUdp,         // IPv4 protocol (IPv6: next header after the extensions) is not UDP (17)
  kWrongPort,      // UDP destination port is not configured for that destination
  kFragment,       // an IP fragment from the mesh: peers send whole datagrams
  kMalformed,      // lengths or header fields that do not add up
  kOversize,       // larger than our interface MTU, or truncated by the capture/buffer
  kUnknownPeer,    // mesh datagram from an address that is not a current peer
  kBadMagic,       // mesh datagram without the "SS" prefix of format v1
  kEcho,           // captured frame we ourselves re-broadcast for a peer (dedup rule a)
  kOriginSegment,  // mesh frame that was captured on our own segment (dedup rule b)
  kDuplicate,      // mesh frame already received from another relay (dedup rule c)
  // Mesh format v2 (relay/README.md "Mesh format v2"):
  kV1Refused,    // a v1 datagram to a relay with a key, without --accept-v1
  kBadVersion,   // v2 magic with a version this relay does not speak
  kMalformedV2,  // v2 datagram too short, reserved bytes set, or a malformed body
  kUnknownKey,   // v2 key id not in our key file
  kBadMac,       // v2 MAC does not match: forged or altered
  kReplay,       // v2 datagram seen before, too old for the window, or from an old boot
  kOwnSender,    // v2 datagram with our own sender id: a loop
  // Traffic kinds (relay/README.md "Traffic kinds"):
  kUnconfiguredGroup,   // IPv4 or IPv6 multicast to a group that is not configured
  kReassemblyTimeout,   // fragments of a datagram that did not all arrive in time
  kReassemblyOverflow,  // a datagram in reassembly pushed out by newer ones (all slots busy)
  kFragmentOverlap,     // a fragment overlapping (or repeating) data already received
  kFragmentTooLarge,    // fragments that add up to more than an IP datagram can hold
  kExtensionChain,      // IPv6 extension headers: more than 8, or more than 512 bytes
  kStandby,             // another relay forwards for our segment (designated forwarder)
  kSegmentHello,        // a relay's segment hello read by the mesh socket (it is a broadcast)
  kCount,
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

constexpr std::string_view drop_reason_name(DropReason reason) {
  constexpr std::array<std::string_view, kDropReasonCount> kNames = {"own_mac",
                                                                     "not_broadcast",
                                                                     "not_ipv4",
                                                                     "not_udp",
                                                                     "wrong_port",
                                                                     "fragment",
                                                                     "malformed",
                                                                     "oversize",
                                                                     "unknown_peer",
                                                                     "bad_magic",
                                                                     "echo",
                                                                     "origin_segment",
                                                                     "duplicate",
                                                                     "v1_refused",
                                                                     "bad_version",
                                                                     "malformed_v2",
                                                                     "unknown_key",
                                                                     "bad_mac",
                                                                     "replay",
                                                                     "own_sender",
                                                                     "unconfigured_group",
                                                                     "reassembly_timeout",
                                                                     "reassembly_overflow",
                                                                     "fragment_overlap",
                                                                     "fragment_too_large",
                                                                     "extension_chain",
                                                                     "standby",
                                                                     "segment_hello"};
  return kNames[static_cast<std::size_t>(reason)];
}

// This relay's part in its segment's designated-forwarder election.
enum class SegmentRole : std::uint8_t { kOff, kForwarder, kStandby };

constexpr std::string_view segment_role_name(SegmentRole role) {
  switch (role) {
    case SegmentRole::kForwarder:
      return "forwarder";
    case SegmentRole::kStandby:
      return "standby";
    case SegmentRole::kOff:
      break;
  }
  return "off";
}

struct Counters {
  std::uint64_t captured = 0;  // frames handed to us by the capture
  std::uint64_t forwarded =
      0;  // mesh datagrams of frames sent (v1: one per peer per frame; v2: per batch)
  std::uint64_t mesh_received = 0;     // datagrams read from the mesh socket
  std::uint64_t rebroadcast = 0;       // frames emitted on the target interface
  std::uint64_t send_errors = 0;       // failed mesh sends and failed L2 sends (the sum)
  std::uint64_t mesh_send_errors = 0;  // of which: a mesh datagram the kernel refused
  std::uint64_t emit_errors = 0;       // of which: a re-broadcast the kernel refused
  // Losses the adapters count, copied in at every report:
  std::uint64_t capture_kernel_drops = 0;    // capture ring full: frames lost before we read
  std::uint64_t mesh_receive_overflows = 0;  // mesh socket receive buffer full
  std::uint64_t heartbeats_sent = 0;         // v2 heartbeats sent (one per peer per interval)
  std::uint64_t heartbeats_received = 0;     // authenticated v2 heartbeats from peers
  std::uint64_t heartbeat_replies = 0;       // authenticated replies to our heartbeats
  std::uint64_t reassembled = 0;             // datagrams rebuilt from captured IP fragments
  std::uint64_t fragmented = 0;  // datagrams larger than our MTU, emitted as IP fragments
  std::uint64_t local_captured = 0;   // of captured: sent by a process on this host, relayed
  std::uint64_t local_delivered = 0;  // re-broadcasts also handed to this host's own stack
  std::uint64_t hellos_sent = 0;      // segment hellos sent (designated-forwarder election)
  std::uint64_t hellos_received = 0;  // segment hellos heard from the other relays here
  // The election's state, published with the counters: our role (off: no election),
  // the relay that forwards for the segment, and how many other relays are heard on it.
  SegmentRole role = SegmentRole::kOff;
  Ipv4Address designated;
  std::uint64_t segment_mates = 0;
  std::array<std::uint64_t, kDropReasonCount> dropped{};

  void drop(DropReason reason) { ++dropped[static_cast<std::size_t>(reason)]; }
  std::uint64_t dropped_for(DropReason reason) const {
    return dropped[static_cast<std::size_t>(reason)];
  }
};

}  // namespace snowsignal
