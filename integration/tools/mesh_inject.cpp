// mesh-inject: sends hostile or foreign datagrams to a relay's mesh port, so tests can
// prove that bad input is counted and dropped and never re-broadcast.
//
// Each --kind builds one shape of datagram; valid-looking frames are serialised by
// libtins so that only the defect under test is wrong. Sends go to one unicast address
// given on the command line; the count is bounded (at most 10000) so no run can flood.
//
// --from forges the IPv4 source address (a raw IPPROTO_RAW socket, so CAP_NET_RAW: the
// netsim namespaces give it), which is what an attacker on a routed network can do: it
// proves that v1's peer-address check is no authentication. Both --from and --to must
// be in 198.18.0.0/15, the benchmarking range netsim uses, so the tool cannot spoof
// anything outside a test network. The v2 kinds sign with --key-file (mesh format v2,
// the relay's own codec).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "mesh_codec.h"
#include "mesh_key_file.h"
#include "mesh_mac.h"
#include "mesh_v2_codec.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct FrameSpec {
  std::string dst_mac = "ff:ff:ff:ff:ff:ff";
  uint16_t dst_port = 5076;
  uint16_t payload_size = 64;
  // Frames the relay must never re-broadcast claim 198.18.99.99; the one genuine v2
  // datagram (v2-replay's first copy) claims 198.18.99.98, so a test can tell them apart.
  std::string ip_source = "198.18.99.99";
};

// What the v2 kinds need: the key file's keys, and an identity for this run.
struct V2Context {
  std::unique_ptr<snowsignal::MeshKeyring> keys;
  uint64_t sender = 0;
  uint64_t boot = 0;
  uint64_t sequence = 0;
};

Bytes sign_frames(const Bytes& frame, uint8_t key_id, const snowsignal::HmacSha256& mac,
                  V2Context& v2) {
  std::vector<uint8_t> buffer(snowsignal::kMaxMeshPayload);
  snowsignal::MeshV2Builder builder(buffer);
  builder.add_frame(frame);
  const snowsignal::MeshV2Header header{snowsignal::MeshV2Type::kFrames, key_id, v2.sender, v2.boot,
                                        ++v2.sequence};
  const auto datagram = builder.finish(header, mac);
  return Bytes(datagram.begin(), datagram.end());
}

// A random key nobody else has, as an attacker without the key would use.
std::vector<uint8_t> random_key() {
  std::random_device random;
  std::vector<uint8_t> key(32);
  for (auto& b : key) b = static_cast<uint8_t>(random());
  return key;
}

// A well-formed Ethernet II / IPv4 / UDP broadcast carrying a PVA-looking payload; the
// kinds below start from this and break exactly one thing.
Bytes make_frame(const FrameSpec& spec) {
  Tins::EthernetII eth(spec.dst_mac, "02:00:00:00:00:99");
  Tins::IP ip("198.18.255.255", spec.ip_source);
  Tins::UDP udp(spec.dst_port, 40000);
  Bytes payload(spec.payload_size, 0x5a);
  payload[0] = 0xCA;  // PVA magic, so a decoder downstream would take it seriously
  auto frame = eth / ip / udp / Tins::RawPDU(payload);
  return frame.serialize();
}

Bytes with_magic(const Bytes& frame) {
  Bytes out;
  out.reserve(frame.size() + 2);
  out.push_back('S');
  out.push_back('S');
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

Bytes build_v2(const std::string& kind, FrameSpec spec, V2Context& v2) {
  const snowsignal::MeshKeyring& ring = *v2.keys;
  if (kind == "v2-replay") {
    spec.ip_source = "198.18.99.98";
    return sign_frames(make_frame(spec), ring.send_key_id(), ring.send_mac(), v2);
  }
  if (kind == "v2-tampered") {
    Bytes datagram = sign_frames(make_frame(spec), ring.send_key_id(), ring.send_mac(), v2);
    datagram[datagram.size() - snowsignal::kMeshMacSize - 1] ^= 0x01;  // last payload byte
    return datagram;
  }
  const snowsignal::HmacSha256 guessed(random_key());
  if (kind == "v2-wrong-key") {
    return sign_frames(make_frame(spec), ring.send_key_id(), guessed, v2);
  }
  if (kind == "v2-unknown-key") {
    // A key id no key file here uses (the tests' files use ids 1 and 2).
    return sign_frames(make_frame(spec), 200, guessed, v2);
  }
  return {};
}

Bytes build(const std::string& kind, uint16_t broadcast_port, V2Context& v2) {
  FrameSpec spec;
  spec.dst_port = broadcast_port;
  if (kind.starts_with("v2-")) return build_v2(kind, spec, v2);
  if (kind == "valid") return with_magic(make_frame(spec));
  if (kind == "no-magic") return make_frame(spec);
  if (kind == "junk") {
    Bytes junk(300);
    for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<uint8_t>(i * 37 + 11);
    return junk;
  }
  if (kind == "empty") return {};
  if (kind == "magic-only") return {'S', 'S'};
  if (kind == "truncated") {
    Bytes frame = with_magic(make_frame(spec));
    frame.resize(2 + 14 + 10);  // cut inside the IPv4 header
    return frame;
  }
  if (kind == "short-ip-length") {
    Bytes frame = with_magic(make_frame(spec));
    // IPv4 total length (offset 2 of the IP header) claims more than was sent.
    const size_t ip = 2 + 14;
    frame[ip + 2] = 0xff;
    frame[ip + 3] = 0xff;
    return frame;
  }
  if (kind == "bad-ihl") {
    Bytes frame = with_magic(make_frame(spec));
    frame[2 + 14] = 0x43;  // version 4, IHL 3 words: shorter than any IPv4 header
    return frame;
  }
  if (kind == "not-ipv4") {
    Bytes frame = with_magic(make_frame(spec));
    // ARP: neither IPv4 nor IPv6 (an IPv6 ethertype is a frame the relay parses, and
    // an IPv4 packet labelled IPv6 is malformed).
    frame[2 + 12] = 0x08;
    frame[2 + 13] = 0x06;
    return frame;
  }
  if (kind == "wrong-port") {
    spec.dst_port = static_cast<uint16_t>(broadcast_port == 9 ? 10 : 9);
    return with_magic(make_frame(spec));
  }
  if (kind == "not-broadcast") {
    spec.dst_mac = "02:00:00:00:00:42";
    return with_magic(make_frame(spec));
  }
  if (kind == "fragment") {
    Bytes frame = with_magic(make_frame(spec));
    frame[2 + 14 + 6] = 0x20;  // More Fragments set
    return frame;
  }
  return {};
}

const std::map<std::string, std::string> kKinds = {
    {"valid", "a well-formed v1 datagram (proves peer filtering when sent by a non-peer)"},
    {"no-magic", "a valid frame without the SS prefix"},
    {"junk", "300 bytes of noise"},
    {"empty", "a zero-length datagram"},
    {"magic-only", "just SS"},
    {"truncated", "SS and a frame cut inside the IPv4 header"},
    {"short-ip-length", "IPv4 total length larger than the bytes sent"},
    {"bad-ihl", "IPv4 header length below 20 bytes"},
    {"not-ipv4", "ethertype ARP: neither IPv4 nor IPv6"},
    {"wrong-port", "UDP destination port other than the broadcast port"},
    {"not-broadcast", "unicast Ethernet destination"},
    {"fragment", "IPv4 More Fragments flag set"},
    {"v2-replay",
     "a v2 datagram signed with --key-file's first key, sent --count times "
     "unchanged: the first is genuine (frame from 198.18.99.98), the rest replays"},
    {"v2-tampered", "a v2 datagram signed with --key-file's key, then one byte changed"},
    {"v2-wrong-key", "a v2 datagram under the file's key id, signed with a random key"},
    {"v2-unknown-key", "a v2 datagram under key id 200, signed with a random key"},
};

bool in_benchmarking_range(uint32_t addr) {
  return (addr & 0xfffe0000u) == 0xc6120000u;  // 198.18.0.0/15
}

// Sends `payload` in a UDP datagram whose IPv4 source is `from`, through a raw socket:
// the kernel takes our IPv4 header as it is (IPPROTO_RAW implies IP_HDRINCL).
class ForgingSender {
 public:
  ForgingSender(const std::string& from, const std::string& to, uint16_t port)
      : from_(from), to_(to), port_(port), fd_(socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) {}
  ~ForgingSender() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool send(const Bytes& payload, const sockaddr_in& dst) {
    Tins::IP packet = Tins::IP(to_, from_) / Tins::UDP(port_, 7124) / Tins::RawPDU(payload);
    const Bytes wire = packet.serialize();
    return sendto(fd_, wire.data(), wire.size(), 0, reinterpret_cast<const sockaddr*>(&dst),
                  sizeof dst) >= 0;
  }

 private:
  std::string from_;
  std::string to_;
  uint16_t port_;
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Send hostile or foreign datagrams to a snowsignal mesh port (test tool).\n"
      "Example: mesh-inject --to 198.18.2.2 --kind junk --kind truncated --count 5"};
  std::string to;
  uint16_t port = 7124;
  uint16_t broadcast_port = 5076;
  std::vector<std::string> kinds;
  unsigned count = 1;
  std::string kind_help = "what to send, repeatable:";
  for (const auto& [name, what] : kKinds) kind_help += "\n  " + name + ": " + what;
  app.add_option("--to", to, "relay IPv4 address (unicast only)")->required();
  app.add_option("--port", port, "relay mesh port")->capture_default_str();
  app.add_option("--broadcast-port", broadcast_port, "the relay's broadcast port")
      ->capture_default_str();
  app.add_option("--kind", kinds, kind_help)->required()->check(CLI::IsMember([] {
    std::vector<std::string> names;
    for (const auto& entry : kKinds) names.push_back(entry.first);
    return names;
  }()));
  std::string from;
  app.add_option("--from", from,
                 "forge this IPv4 source address (raw socket; 198.18.0.0/15 only, as --to)");
  std::string key_file;
  app.add_option("--key-file", key_file, "mesh v2 key file, for the v2-* kinds");
  app.add_option("--count", count, "datagrams of each kind")
      ->check(CLI::Range(1u, 10000u))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  if (inet_pton(AF_INET, to.c_str(), &dst.sin_addr) != 1) {
    std::fprintf(stderr, "mesh-inject: --to %s is not an IPv4 address\n", to.c_str());
    return 2;
  }
  // A test tool that sends malformed traffic must never leave the test's own networks:
  // only loopback and the RFC 2544 benchmarking range netsim uses are allowed.
  const uint32_t addr = ntohl(dst.sin_addr.s_addr);
  const bool loopback = (addr >> 24) == 127;
  const bool benchmarking = (addr & 0xfffe0000u) == 0xc6120000u;  // 198.18.0.0/15
  if (!loopback && !benchmarking) {
    std::fprintf(stderr, "mesh-inject: --to %s refused: only 127.0.0.0/8 and 198.18.0.0/15\n",
                 to.c_str());
    return 2;
  }
  V2Context v2;
  for (const auto& kind : kinds) {
    if (!kind.starts_with("v2-") || v2.keys) continue;
    if (key_file.empty()) {
      std::fprintf(stderr, "mesh-inject: --kind %s needs --key-file\n", kind.c_str());
      return 2;
    }
    const snowsignal::MeshKeysOutcome keys = snowsignal::load_mesh_key_file(key_file);
    if (!keys.error.empty()) {
      std::fprintf(stderr, "mesh-inject: --key-file %s: %s\n", key_file.c_str(),
                   keys.error.c_str());
      return 2;
    }
    v2.keys = std::make_unique<snowsignal::MeshKeyring>(keys.keys);
    std::random_device random;
    v2.sender = (uint64_t{random()} << 32) | random();
    v2.boot = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  }
  std::unique_ptr<ForgingSender> forger;
  if (!from.empty()) {
    in_addr source{};
    if (inet_pton(AF_INET, from.c_str(), &source) != 1 ||
        !in_benchmarking_range(ntohl(source.s_addr)) || !benchmarking) {
      std::fprintf(stderr,
                   "mesh-inject: --from %s refused: --from and --to must both be in "
                   "198.18.0.0/15\n",
                   from.c_str());
      return 2;
    }
    forger = std::make_unique<ForgingSender>(from, to, port);
    if (!forger->ok()) {
      std::perror("mesh-inject: raw socket (needs CAP_NET_RAW)");
      return 1;
    }
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    std::perror("mesh-inject: socket");
    return 1;
  }
  unsigned sent = 0;
  for (const auto& kind : kinds) {
    const Bytes datagram = build(kind, broadcast_port, v2);
    for (unsigned i = 0; i < count; ++i) {
      const bool sent_ok = forger ? forger->send(datagram, dst)
                                  : sendto(fd, datagram.data(), datagram.size(), 0,
                                           reinterpret_cast<sockaddr*>(&dst), sizeof dst) >= 0;
      if (!sent_ok) {
        std::perror("mesh-inject: sendto");
        close(fd);
        return 1;
      }
      ++sent;
    }
    std::printf("mesh-inject: sent %u x %s (%zu bytes) to %s:%u%s%s\n", count, kind.c_str(),
                datagram.size(), to.c_str(), port, forger ? " from forged " : "",
                forger ? from.c_str() : "");
  }
  close(fd);
  std::printf("mesh-inject: %u datagrams sent\n", sent);
  return 0;
}
