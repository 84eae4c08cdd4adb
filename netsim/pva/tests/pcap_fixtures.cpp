#include "pcap_fixtures.h"

#include <tins/tins.h>

namespace pva::test {

namespace {
std::string path_of(const std::string& name) {
  return std::string(PVA_FIXTURES_DIR) + "/" + name;
}
}  // namespace

std::vector<UdpPacket> read_udp(const std::string& pcap_name) {
  std::vector<UdpPacket> out;
  Tins::FileSniffer sniffer(path_of(pcap_name));
  sniffer.sniff_loop([&](Tins::PDU& pdu) {
    const auto* ip = pdu.find_pdu<Tins::IP>();
    const auto* udp = pdu.find_pdu<Tins::UDP>();
    const auto* raw = pdu.find_pdu<Tins::RawPDU>();
    if (ip == nullptr || udp == nullptr || raw == nullptr) return true;
    out.push_back({ip->src_addr().to_string(), ip->dst_addr().to_string(), udp->sport(),
                   udp->dport(), raw->payload()});
    return true;
  });
  return out;
}

TcpSession read_tcp_session(const std::string& pcap_name, std::uint16_t server_port) {
  TcpSession s;
  Tins::FileSniffer sniffer(path_of(pcap_name));
  sniffer.sniff_loop([&](Tins::PDU& pdu) {
    const auto* tcp = pdu.find_pdu<Tins::TCP>();
    const auto* raw = pdu.find_pdu<Tins::RawPDU>();
    if (tcp == nullptr || raw == nullptr) return true;
    auto& dir = tcp->dport() == server_port ? s.client_to_server : s.server_to_client;
    dir.insert(dir.end(), raw->payload().begin(), raw->payload().end());
    return true;
  });
  return s;
}

}  // namespace pva::test
