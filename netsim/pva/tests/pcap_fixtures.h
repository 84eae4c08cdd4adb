// Reads the pvxs captures in fixtures/pva/ into plain byte vectors for the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pva::test {

struct UdpPacket {
  std::string src_ip, dst_ip;
  std::uint16_t src_port = 0, dst_port = 0;
  std::vector<std::uint8_t> payload;
};

// Every UDP packet of a capture, in order.
std::vector<UdpPacket> read_udp(const std::string& pcap_name);

// The bytes each side sent on the (single) TCP session of a capture, concatenated in
// capture order (the fixture has no retransmissions).
struct TcpSession {
  std::vector<std::uint8_t> client_to_server, server_to_client;
};
TcpSession read_tcp_session(const std::string& pcap_name, std::uint16_t server_port);

}  // namespace pva::test
