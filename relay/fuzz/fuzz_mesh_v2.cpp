// The v2 decoder on arbitrary datagrams, then the replay window and every frame.
//
// A fuzzer cannot forge an HMAC, so random input stops at the MAC check. To reach the
// code behind it, the first input byte chooses: odd = the rest is a datagram without
// its MAC, which the target signs with the test key before decoding (so the body
// parsers and the frame path see arbitrary authenticated bytes); even = the rest is
// decoded as it is (the pre-MAC checks, as an attacker without the key reaches them).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "frame_check.h"
#include "mesh_mac.h"
#include "mesh_v2_codec.h"
#include "replay_window.h"

using namespace snowsignal;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const MeshKeyring keys({MeshKey{1, std::vector<Byte>(32, 0x11)}});
  static ReplayWindow replay;
  static Duration clock{};  // a steady clock: every input one microsecond later
  clock += std::chrono::microseconds(1);
  if (size == 0) return 0;
  std::vector<Byte> datagram(data + 1, data + size);
  if ((data[0] & 1) != 0) {
    const MeshMac mac = keys.send_mac().compute(datagram);
    datagram.insert(datagram.end(), mac.begin(), mac.end());
  }
  const MeshV2Decoded decoded = decode_mesh_v2(datagram, keys);
  if (decoded.refusal) return 0;
  replay.accept(decoded.header.sender, decoded.header.boot, decoded.header.sequence,
                TimePoint{clock});
  if (decoded.header.type != MeshV2Type::kFrames) return 0;
  MeshV2Frames frames(decoded.body);
  while (const auto frame = frames.next()) fuzz::parse_and_rewrite(*frame);
  return 0;
}
