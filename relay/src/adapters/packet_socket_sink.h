// FrameSink on one long-lived AF_PACKET socket bound to the target interface.
#pragma once

#include <string>

#include "snowsignal/frame_sink.h"

namespace snowsignal {

class PacketSocketSink final : public FrameSink {
 public:
  // Throws std::runtime_error when the socket cannot be opened (needs CAP_NET_RAW).
  PacketSocketSink(int interface_index, const std::string& interface_name);
  ~PacketSocketSink() override;
  PacketSocketSink(const PacketSocketSink&) = delete;
  PacketSocketSink& operator=(const PacketSocketSink&) = delete;

  bool send(std::span<const Byte> frame) override;
  const char* last_error() const override { return error_; }

 private:
  int fd_ = -1;
  int interface_index_;
  const char* error_ = "";
};

}  // namespace snowsignal
