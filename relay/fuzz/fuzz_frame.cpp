// The frame parser and rewrite on arbitrary bytes (a frame as a peer could send it).
#include <cstddef>
#include <cstdint>

#include "frame_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  snowsignal::fuzz::parse_and_rewrite({data, size});
  return 0;
}
