// Seam: where re-broadcast frames go (production: one AF_PACKET socket).
#pragma once

#include <span>

#include "snowsignal/net_types.h"

namespace snowsignal {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Sends one complete Ethernet II frame on the target interface. False on failure;
  // the adapter keeps the OS error text for last_error().
  virtual bool send(std::span<const Byte> frame) = 0;
  virtual const char* last_error() const = 0;
};

}  // namespace snowsignal
