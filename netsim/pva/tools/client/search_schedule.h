// When pva-client repeats its searches.
#pragma once

#include <chrono>

namespace pva::client {

// Delay before retry number `retry` (0 = the first repeat): 0.5 s, doubling, capped at
// 4 s. Never below 0.5 s: relays drop identical datagrams seen within 500 ms
// (SnowSignal de-duplication), so a faster repeat would be discarded by design.
std::chrono::milliseconds retry_delay(unsigned retry);

}  // namespace pva::client
