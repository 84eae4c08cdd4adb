// FrameSink that hands re-broadcasts to this host's own IP stack, which frames sent
// through AF_PACKET never reach (issue 20: PVA processes on the relay's own host).
// IPv4 broadcasts go in as frames received on loopback: their destination is a
// broadcast address of this host, so the stack delivers them to every socket on the
// port, source kept. Multicast (IPv4 and IPv6) goes out of raw sockets on the
// interface with TTL / hop limit 0: the kernel loops a multicast back to the group's
// members on this host and never transmits one with TTL 0 (RFC 1112 section 6.1, RFC
// 4291 section 2.7), so the wire sees nothing twice.
#pragma once

#include <array>
#include <string>

#include "packet_socket_sink.h"
#include "snowsignal/frame_sink.h"

namespace snowsignal {

class LocalDeliverySink final : public FrameSink {
 public:
  // Throws std::runtime_error when a socket cannot be opened (needs CAP_NET_RAW).
  LocalDeliverySink(int interface_index, const std::string& interface_name);
  ~LocalDeliverySink() override;
  LocalDeliverySink(const LocalDeliverySink&) = delete;
  LocalDeliverySink& operator=(const LocalDeliverySink&) = delete;

  bool send(std::span<const Byte> frame) override;
  const char* last_error() const override { return error_; }

 private:
  bool send_ipv4_multicast(std::span<const Byte> packet);
  bool send_ipv6_multicast(std::span<const Byte> packet);
  bool sent(long result, std::size_t size);

  int interface_index_;
  PacketSocketSink loopback_;  // broadcasts: a frame sent on lo is a frame received there
  int raw4_fd_ = -1;
  int raw6_fd_ = -1;
  // The packet with its TTL set to 0: a copy, the caller's frame stays as it is.
  std::array<Byte, 65536> packet_{};
  const char* error_ = "";
};

}  // namespace snowsignal
