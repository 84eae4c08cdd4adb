#include "netsim/copy_counter.h"

#include <gtest/gtest.h>
#include <tins/tins.h>

#include "netsim/segment_capture.h"

namespace netsim {
namespace {

TEST(CopyCounter, SameSourcePortAndPayloadAreCopies) {
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.000);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.001);
  c.add(0xC6120A0A, 40000, {1, 2, 4}, 10.001);  // other payload
  c.add(0xC6120A0A, 40001, {1, 2, 3}, 10.001);  // other port
  c.add(0xC6120A0B, 40000, {1, 2, 3}, 10.001);  // other source
  CopyStats s = c.stats();
  EXPECT_EQ(s.frames, 5);
  EXPECT_EQ(s.datagrams, 4);
  EXPECT_EQ(s.max_copies, 2);
  EXPECT_EQ(s.worst, "198.18.10.10:40000 (3 bytes)");
}

TEST(CopyCounter, ARetransmissionAfterTheWindowIsANewSendingNotACopy) {
  // PVA clients repeat an unanswered search byte for byte (pvxs and our pva-client):
  // 0.6 s later it is the client sending again, not a relay duplicating.
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.0);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.6);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 11.6);
  CopyStats s = c.stats();
  EXPECT_EQ(s.frames, 3);
  EXPECT_EQ(s.datagrams, 1);
  EXPECT_EQ(s.max_copies, 1);
}

TEST(CopyCounter, ABurstOfCopiesWithinTheWindowCountsWhateverCameBefore) {
  CopyCounter c;
  c.add(0xC6120A0A, 40000, {9}, 10.0);
  for (int i = 0; i < 4; ++i) c.add(0xC6120A0A, 40000, {9}, 20.0 + i * 0.01);
  EXPECT_EQ(c.stats().max_copies, 4);
}

TEST(CopyCounter, Ipv6SourcesCountAndNameTheWorstInBrackets) {
  CopyCounter c;
  c.add("2001:db8:1::10", 40000, {1, 2, 3}, 10.000);
  c.add("2001:db8:1::10", 40000, {1, 2, 3}, 10.001);
  c.add("2001:db8:1::11", 40000, {1, 2, 3}, 10.001);
  c.add(0xC6120A0A, 40000, {1, 2, 3}, 10.001);
  CopyStats s = c.stats();
  EXPECT_EQ(s.datagrams, 3);
  EXPECT_EQ(s.max_copies, 2);
  EXPECT_EQ(s.worst, "[2001:db8:1::10]:40000 (3 bytes)");
}

std::vector<std::uint8_t> frame_bytes(Tins::PDU& pdu) {
  return pdu.serialize();
}

TEST(UdpDatagramIn, ReadsIpv4AndIpv6AndSkipsFragmentsAndOtherFrames) {
  Tins::EthernetII v4 = Tins::EthernetII() / Tins::IP("198.18.1.255", "198.18.1.10") /
                        Tins::UDP(5076, 40000) / Tins::RawPDU(std::string("abc"));
  auto bytes = frame_bytes(v4);
  auto d = udp_datagram_in(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, "198.18.1.10");
  EXPECT_EQ(d->source_port, 40000);
  EXPECT_EQ(d->destination_port, 5076);
  EXPECT_EQ(d->payload, (std::vector<std::uint8_t>{'a', 'b', 'c'}));

  Tins::EthernetII v6 = Tins::EthernetII() / Tins::IPv6("ff15::1", "2001:db8:1::10") /
                        Tins::UDP(5076, 40001) / Tins::RawPDU(std::string("xy"));
  bytes = frame_bytes(v6);
  d = udp_datagram_in(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->source, "2001:db8:1::10");
  EXPECT_EQ(d->source_port, 40001);
  EXPECT_EQ(d->payload.size(), 2u);

  // A first fragment: Fragment header (offset 0, more fragments) before the UDP header.
  Tins::IPv6 frag_ip("ff15::1", "2001:db8:1::10");
  const std::uint8_t fragment[6] = {0, 1, 0, 0, 0, 42};  // offset 0, M=1, id 42
  frag_ip.add_header(Tins::IPv6::ext_header(Tins::IPv6::FRAGMENT, sizeof fragment, fragment));
  Tins::EthernetII frag =
      Tins::EthernetII() / frag_ip / Tins::UDP(5076, 40002) / Tins::RawPDU(std::string(100, 'z'));
  bytes = frame_bytes(frag);
  EXPECT_FALSE(udp_datagram_in(bytes.data(), static_cast<std::uint32_t>(bytes.size())));

  Tins::EthernetII arp = Tins::ARP::make_arp_request("198.18.1.1", "198.18.1.10");
  bytes = frame_bytes(arp);
  EXPECT_FALSE(udp_datagram_in(bytes.data(), static_cast<std::uint32_t>(bytes.size())));
  const std::uint8_t truncated[20] = {0};
  EXPECT_FALSE(udp_datagram_in(truncated, sizeof truncated));
}

TEST(CopyCounter, EmptyCaptureHasNoCopies) {
  CopyStats s = CopyCounter{}.stats();
  EXPECT_EQ(s.frames, 0);
  EXPECT_EQ(s.max_copies, 0);
}

}  // namespace
}  // namespace netsim
