// The v1 decoder ("SS" + frame), then the frame path, on arbitrary datagrams.
#include <cstddef>
#include <cstdint>

#include "frame_check.h"
#include "mesh_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (const auto frame = snowsignal::decode_mesh_v1({data, size})) {
    snowsignal::fuzz::parse_and_rewrite(*frame);
  }
  return 0;
}
