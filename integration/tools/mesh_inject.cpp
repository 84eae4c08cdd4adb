// mesh-inject: sends hostile or foreign datagrams to a relay's mesh port, so tests can
// prove that bad input is counted and dropped and never re-broadcast.
//
// Each --kind builds one shape of datagram; valid-looking frames are serialised by
// libtins so that only the defect under test is wrong. Sends go to one unicast address
// given on the command line; the count is bounded (at most 10000) so no run can flood.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

struct FrameSpec {
  std::string dst_mac = "ff:ff:ff:ff:ff:ff";
  uint16_t dst_port = 5076;
  uint16_t payload_size = 64;
};

// A well-formed Ethernet II / IPv4 / UDP broadcast carrying a PVA-looking payload; the
// kinds below start from this and break exactly one thing.
Bytes make_frame(const FrameSpec& spec) {
  Tins::EthernetII eth(spec.dst_mac, "02:00:00:00:00:99");
  Tins::IP ip("198.18.255.255", "198.18.99.99");
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

Bytes build(const std::string& kind, uint16_t broadcast_port) {
  FrameSpec spec;
  spec.dst_port = broadcast_port;
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
    frame[2 + 12] = 0x86;  // ethertype IPv6
    frame[2 + 13] = 0xdd;
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
    {"not-ipv4", "ethertype IPv6"},
    {"wrong-port", "UDP destination port other than the broadcast port"},
    {"not-broadcast", "unicast Ethernet destination"},
    {"fragment", "IPv4 More Fragments flag set"},
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
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    std::perror("mesh-inject: socket");
    return 1;
  }
  unsigned sent = 0;
  for (const auto& kind : kinds) {
    const Bytes datagram = build(kind, broadcast_port);
    for (unsigned i = 0; i < count; ++i) {
      if (sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                 sizeof dst) < 0) {
        std::perror("mesh-inject: sendto");
        close(fd);
        return 1;
      }
      ++sent;
    }
    std::printf("mesh-inject: sent %u x %s (%zu bytes) to %s:%u\n", count, kind.c_str(),
                datagram.size(), to.c_str(), port);
  }
  close(fd);
  std::printf("mesh-inject: %u datagrams sent\n", sent);
  return 0;
}
