// Mesh v2's cost, printed as figures (never asserted): CPU per frame to sign and to
// verify, against v1's encode in the same run, and what batching saves in datagrams
// per burst, through the real RelayCore with counting fakes for the seams.
//
//   snowsignal_mesh_v2_bench [FRAMES_PER_BURST]     (default 1000)
//
// Budget (issue #10): <= 1 us of CPU per frame for authentication.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "counting_seams.h"
#include "mesh_codec.h"
#include "mesh_mac.h"
#include "mesh_v2_codec.h"
#include "replay_window.h"
#include "snowsignal/relay_core.h"

namespace snowsignal {
namespace {

std::atomic<long> openssl_allocations{0};
void* counting_malloc(std::size_t n, const char*, int) {
  ++openssl_allocations;
  return std::malloc(n);
}
void* counting_realloc(void* p, std::size_t n, const char*, int) {
  ++openssl_allocations;
  return std::realloc(p, n);
}
void plain_free(void* p, const char*, int) {
  std::free(p);
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// A well-formed Ethernet/IPv4/UDP broadcast to port 5076 with `payload` bytes of UDP
// payload (checksum 0: "none", which the relay accepts and keeps).
std::vector<Byte> make_frame(std::size_t payload, std::uint16_t source_port) {
  std::vector<Byte> f(14 + 20 + 8 + payload, 0x5a);
  const Byte eth[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 1, 10, 0x08, 0x00};
  std::copy(std::begin(eth), std::end(eth), f.begin());
  const std::size_t ip_len = 20 + 8 + payload;
  Byte* ip = f.data() + 14;
  const Byte header[] = {0x45,
                         0,
                         static_cast<Byte>(ip_len >> 8),
                         static_cast<Byte>(ip_len),
                         0,
                         1,
                         0,
                         0,
                         64,
                         17,
                         0,
                         0,
                         198,
                         18,
                         1,
                         10,
                         198,
                         18,
                         1,
                         255};
  std::copy(std::begin(header), std::end(header), ip);
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<std::uint32_t>(ip[i] << 8 | ip[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  ip[10] = static_cast<Byte>(~sum >> 8);
  ip[11] = static_cast<Byte>(~sum);
  Byte* udp = ip + 20;
  udp[0] = static_cast<Byte>(source_port >> 8);
  udp[1] = static_cast<Byte>(source_port);
  udp[2] = 5076 >> 8;
  udp[3] = 5076 & 0xff;
  udp[4] = static_cast<Byte>((8 + payload) >> 8);
  udp[5] = static_cast<Byte>(8 + payload);
  udp[6] = udp[7] = 0;
  return f;
}

// Frame-level costs, one frame per datagram and batched, for one frame size.
void codec_figures(std::size_t payload, const MeshKeyring& keys) {
  constexpr int kRounds = 200000;
  const std::vector<Byte> frame = make_frame(payload, 40000);
  std::array<Byte, kMaxMeshPayload> out{};
  MeshV2Builder builder(out);
  MeshV2Header header{MeshV2Type::kFrames, keys.send_key_id(), 1, 1, 0};

  double t = cpu_seconds();
  std::size_t sink = 0;
  for (int i = 0; i < kRounds; ++i) sink += encode_mesh_v1(frame, out);
  const double v1_encode = (cpu_seconds() - t) / kRounds;

  const long allocations_before = openssl_allocations;
  t = cpu_seconds();
  std::span<const Byte> datagram;
  for (int i = 0; i < kRounds; ++i) {
    builder.clear();
    builder.add_frame(frame);
    ++header.sequence;
    datagram = builder.finish(header, keys.send_mac());
  }
  const double v2_encode = (cpu_seconds() - t) / kRounds;
  const double mallocs = static_cast<double>(openssl_allocations - allocations_before) / kRounds;
  const std::vector<Byte> one(datagram.begin(), datagram.end());

  const std::size_t per_datagram =
      std::max<std::size_t>(1, (1472 - kMeshV2Overhead) / (kMeshV2RecordHeader + frame.size()));
  t = cpu_seconds();
  for (int i = 0; i < kRounds; i += static_cast<int>(per_datagram)) {
    builder.clear();
    for (std::size_t k = 0; k < per_datagram; ++k) builder.add_frame(frame);
    datagram = builder.finish(header, keys.send_mac());
  }
  const double v2_batched = (cpu_seconds() - t) / kRounds;
  const std::vector<Byte> batch(datagram.begin(), datagram.end());

  t = cpu_seconds();
  for (int i = 0; i < kRounds; ++i) sink += decode_mesh_v2(one, keys).body.size();
  const double v2_decode = (cpu_seconds() - t) / kRounds;
  t = cpu_seconds();
  for (int i = 0; i < kRounds; i += static_cast<int>(per_datagram)) {
    sink += decode_mesh_v2(batch, keys).body.size();
  }
  const double v2_decode_batched = (cpu_seconds() - t) / kRounds;

  ReplayWindow replay;
  t = cpu_seconds();
  for (int i = 0; i < kRounds; ++i) {
    sink += replay.accept(static_cast<std::uint64_t>(i % 8), 1, static_cast<std::uint64_t>(i),
                          TimePoint{std::chrono::seconds(1)});
  }
  const double window = (cpu_seconds() - t) / kRounds;

  std::printf(
      "frame %5zu B: v1 encode %6.3f us | v2 sign %6.3f us (1/datagram), %6.3f us (%zu/datagram)"
      " | v2 verify %6.3f us (1/datagram), %6.3f us (batched) | replay window %5.3f us"
      " | OpenSSL mallocs per datagram %.1f%s\n",
      frame.size(), v1_encode * 1e6, v2_encode * 1e6, v2_batched * 1e6, per_datagram,
      v2_decode * 1e6, v2_decode_batched * 1e6, window * 1e6, mallocs, sink == 0 ? " " : "");
}

// A burst through the real core: datagrams sent per peer and CPU per frame, v1 vs v2.
void burst_figures(std::size_t burst, std::size_t payload, const MeshKeyring& keys) {
  InterfaceInfo interface;
  interface.name = "eth0";
  interface.mac = MacAddress{{2, 0, 0, 0, 2, 2}};
  interface.ipv4 = Ipv4Address{0xC6120202u};
  interface.broadcast = Ipv4Address{0xC61202FFu};
  interface.host_macs = {interface.mac};
  std::vector<std::vector<Byte>> frames;
  for (std::size_t i = 0; i < burst; ++i) {
    frames.push_back(make_frame(payload, static_cast<std::uint16_t>(1024 + i % 60000)));
  }
  double cpu[2] = {0, 0};
  std::size_t datagrams[2] = {0, 0};
  for (int v2 = 0; v2 < 2; ++v2) {
    testing::CountingMesh mesh;
    testing::CountingSink sink;
    testing::StaticPeers peers({IpAddress::from_v4(Ipv4Address{0xC6120302u})});
    testing::SteppingClock clock(std::chrono::microseconds(1));
    RelaySettings settings;
    if (v2 == 1) settings.keyring = &keys;
    RelayCore core(settings, interface, mesh, sink, peers, clock);
    const double t = cpu_seconds();
    // The event loop hands the capture over in batches of up to 256 frames.
    for (std::size_t i = 0; i < frames.size(); ++i) {
      core.on_captured(frames[i], false);
      if (i % 256 == 255) core.flush();
    }
    core.flush();
    cpu[v2] = (cpu_seconds() - t) / static_cast<double>(burst);
    datagrams[v2] = mesh.sent;
  }
  std::printf(
      "burst of %zu frames of %zu B, one peer: v1 %zu datagrams, %.3f us CPU/frame | "
      "v2 %zu datagrams (%.1fx fewer), %.3f us CPU/frame (+%.3f us)\n",
      burst, frames[0].size(), datagrams[0], cpu[0] * 1e6, datagrams[1],
      static_cast<double>(datagrams[0]) /
          static_cast<double>(std::max<std::size_t>(datagrams[1], 1)),
      cpu[1] * 1e6, (cpu[1] - cpu[0]) * 1e6);
}

}  // namespace
}  // namespace snowsignal

int main(int argc, char** argv) {
  using namespace snowsignal;
  CRYPTO_set_mem_functions(counting_malloc, counting_realloc, plain_free);
  spdlog::set_level(spdlog::level::warn);
  const std::size_t burst = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  const MeshKeyring keys({MeshKey{1, std::vector<Byte>(32, 0x42)}});
  std::printf("mesh v2 cost (HMAC-SHA-256, OpenSSL %s), CPU time per frame:\n",
              OpenSSL_version(OPENSSL_VERSION_STRING));
  for (std::size_t payload : {64u, 300u, 1295u}) codec_figures(payload, keys);
  for (std::size_t payload : {64u, 1295u}) burst_figures(burst, payload, keys);
  return 0;
}
