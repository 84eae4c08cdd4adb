// IPv6 multicast frames through every piece of the core: parse and its bounded walk of
// extension headers, the traffic table, the capture filter, the rewrite and its
// checksum, reassembly and re-fragmentation, and the scope policy of --multicast.
#include <gtest/gtest.h>
#include <tins/ethernetII.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <cstdio>

#include "capture_filter.h"
#include "checksum.h"
#include "fragmenter.h"
#include "frame_rewrite.h"
#include "frame_view.h"
#include "frames6.h"
#include "multicast_policy.h"
#include "pcap_filter.h"
#include "reassembler.h"
#include "traffic_kinds.h"

namespace snowsignal::testing {
namespace {

const TrafficKinds kKinds(TrafficConfig{
    {5076}, {{addr("239.74.163.2"), 43113}, {addr(kCanGroup), 43113}, {addr("ff02::fb"), 5353}}});
const Destination& kCanRow = kKinds.destinations()[2];

class CollectingSink : public FrameSink {
 public:
  bool send(std::span<const Byte> frame) override {
    frames.emplace_back(frame.begin(), frame.end());
    return true;
  }
  const char* last_error() const override { return ""; }
  std::vector<Bytes> frames;
};

Bytes with_payload(std::size_t size) {
  Frame6Spec spec;
  spec.payload.resize(size);
  for (std::size_t i = 0; i < size; ++i) spec.payload[i] = static_cast<Byte>(i * 13 + 5);
  return build_frame6(spec);
}

// -- parse and classify --

TEST(Ipv6Frames, ParsesTheFixedHeaderAndUdpAndClassifiesIntoTheGroupsRow) {
  const Bytes frame = build_frame6();
  const Classified c = kKinds.classify(frame);
  ASSERT_FALSE(c.drop) << drop_reason_name(*c.drop);
  EXPECT_EQ(c.destination, &kCanRow);
  EXPECT_EQ(kCanRow.kind, TrafficKind::kIpv6Multicast);
  EXPECT_TRUE(c.view.ipv6);
  EXPECT_EQ(c.view.ip_source, addr("2001:db8:1::10"));
  EXPECT_EQ(c.view.ip_destination, addr(kCanGroup));
  EXPECT_EQ(c.view.ip_header_size, 40u);
  EXPECT_EQ(c.view.udp_source_port, 40000);
  EXPECT_EQ(c.view.udp_destination_port, 43113);
  EXPECT_EQ(c.view.udp_payload.size(), 53u);
  EXPECT_EQ(c.view.frame_size(), frame.size());
}

TEST(Ipv6Frames, WalksHopByHopAndDestinationOptionsToUdp) {
  Frame6Spec spec;
  spec.extensions = {{kNextHeaderHopByHop, padding_header()},
                     {kNextHeaderDestination, padding_header()}};
  const Classified c = kKinds.classify(build_frame6(spec));
  ASSERT_FALSE(c.drop) << drop_reason_name(*c.drop);
  EXPECT_EQ(c.view.ip_header_size, 56u);
  EXPECT_EQ(c.view.unfragmentable_size, 48u);  // hop-by-hop repeats in every fragment
  EXPECT_EQ(c.view.unfragmentable_next_field, 40u);
}

TEST(Ipv6Frames, RefusesWhatIsNotAGroupWeCarry) {
  Frame6Spec other;
  other.ip_dst = "ff15::1234";
  other.eth_dst = "33:33:00:00:12:34";
  EXPECT_EQ(kKinds.classify(build_frame6(other)).drop, DropReason::kUnconfiguredGroup);
  Frame6Spec wrong_mac;
  wrong_mac.eth_dst = "33:33:00:00:00:01";
  EXPECT_EQ(kKinds.classify(build_frame6(wrong_mac)).drop, DropReason::kNotBroadcast);
  Frame6Spec broadcast;  // IPv6 has no broadcast: not the broadcast row's
  broadcast.eth_dst = "ff:ff:ff:ff:ff:ff";
  broadcast.dport = 5076;
  EXPECT_EQ(kKinds.classify(build_frame6(broadcast)).drop, DropReason::kNotBroadcast);
  Frame6Spec port;
  port.dport = 43114;
  EXPECT_EQ(kKinds.classify(build_frame6(port)).drop, DropReason::kWrongPort);
  // The IPv4 group's row does not take the IPv6 group, and the other way round.
  Frame6Spec mdns;
  mdns.ip_dst = "ff02::fb";
  mdns.eth_dst = "33:33:00:00:00:fb";
  mdns.dport = 5353;
  EXPECT_EQ(kKinds.classify(build_frame6(mdns)).destination, &kKinds.destinations()[3]);
}

TEST(Ipv6Frames, MalformedHeadersAreCountedDropsWithTheirReason) {
  const auto verdict = [](const Bytes& frame) { return kKinds.classify(frame).drop; };
  Bytes version = build_frame6();
  version[14] = 0x46;  // version 4 in an IPv6 frame
  EXPECT_EQ(verdict(version), DropReason::kMalformed);
  Bytes long_payload = build_frame6();
  put16(long_payload, 18, get16(long_payload, 18) + 1);  // one byte more than there is
  EXPECT_EQ(verdict(long_payload), DropReason::kMalformed);
  const Bytes full = build_frame6();
  const Bytes short_header(full.begin(), full.begin() + 14 + 39);
  EXPECT_EQ(verdict(short_header), DropReason::kMalformed);
  Bytes udp_length = build_frame6();
  put16(udp_length, 54 + 4, 9);
  EXPECT_EQ(verdict(udp_length), DropReason::kMalformed);
  Frame6Spec zero_checksum_spec;
  Bytes zero_checksum = build_frame6(zero_checksum_spec);
  zero_checksum[54 + 6] = zero_checksum[54 + 7] = 0;  // mandatory over IPv6
  EXPECT_EQ(verdict(zero_checksum), DropReason::kMalformed);

  Frame6Spec late_hop_by_hop;  // hop-by-hop only right after the fixed header
  late_hop_by_hop.extensions = {{kNextHeaderDestination, padding_header()},
                                {kNextHeaderHopByHop, padding_header()}};
  EXPECT_EQ(verdict(build_frame6(late_hop_by_hop)), DropReason::kMalformed);
  Frame6Spec overrun;  // an extension header claiming more bytes than the payload holds
  Bytes big = padding_header();
  big[1] = 200;
  overrun.extensions = {{kNextHeaderDestination, big}};
  EXPECT_EQ(verdict(build_frame6(overrun)), DropReason::kMalformed);
  Frame6Spec no_next;  // "no next header" (59): not UDP
  no_next.extensions = {{kNextHeaderDestination, padding_header()}};
  Bytes none = build_frame6(no_next);
  none[54] = 59;
  EXPECT_EQ(verdict(none), DropReason::kNotUdp);
}

TEST(Ipv6Frames, ExtensionChainsBeyondTheBoundAreExtensionChain) {
  Frame6Spec many;
  for (int i = 0; i < 9; ++i) many.extensions.push_back({kNextHeaderDestination, padding_header()});
  EXPECT_EQ(kKinds.classify(build_frame6(many)).drop, DropReason::kExtensionChain);
  Frame6Spec eight;
  for (int i = 0; i < 8; ++i)
    eight.extensions.push_back({kNextHeaderDestination, padding_header()});
  EXPECT_FALSE(kKinds.classify(build_frame6(eight)).drop);
  Frame6Spec long_one;  // 520 bytes of options
  Bytes big(520, 0);
  big[1] = 520 / 8 - 1;
  big[2] = 1;
  big[3] = 255;
  long_one.extensions = {{kNextHeaderDestination, big}};
  long_one.payload.resize(100);
  EXPECT_EQ(kKinds.classify(build_frame6(long_one)).drop, DropReason::kExtensionChain);
  EXPECT_EQ(drop_reason_name(DropReason::kExtensionChain), "extension_chain");
}

TEST(Ipv6Frames, FragmentsToOurGroupAreReportedForReassembly) {
  const std::vector<Bytes> fragments = split_into_fragments6(with_payload(3000), 1500, 0x01020304);
  ASSERT_EQ(fragments.size(), 3u);
  const Classified later = kKinds.classify(fragments[1]);
  EXPECT_FALSE(later.drop);
  EXPECT_TRUE(later.fragment);
  EXPECT_EQ(later.destination, &kCanRow);
  EXPECT_EQ(later.ip.fragment_offset(), 1448u);
  EXPECT_TRUE(later.ip.more_fragments());
  EXPECT_EQ(later.ip.identification, 0x01020304u);
  EXPECT_EQ(later.ip.unfragmentable_size, 40u);
  EXPECT_EQ(later.ip.ip_header_size, 48u);
  Bytes twice = fragments[1];  // a second fragment header
  twice.insert(twice.begin() + 62, twice.begin() + 54, twice.begin() + 62);
  twice[54] = 44;
  put16(twice, 18, get16(twice, 18) + 8);
  put16(twice, 56, 0);
  EXPECT_EQ(kKinds.classify(twice).drop, DropReason::kMalformed);
}

TEST(Ipv6Frames, TheGroupsMacIs3333AndItsLast32Bits) {
  EXPECT_EQ(multicast_mac(addr(kCanGroup)), mac(kCanGroupMac));
  EXPECT_EQ(kKinds.describe(),
            "broadcast ports 5076; 239.74.163.2 ports 43113; "
            "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173 ports 43113; ff02::fb ports 5353");
}

// -- capture filter, run by libpcap itself --

TEST(Ipv6CaptureFilter, TakesTheGroupsPortAndItsFragmentsAndNothingElse) {
  const TrafficKinds kinds(TrafficConfig{{5076}, {{addr(kCanGroup), 43113}}});
  const std::string text = capture_filter(kinds, {mac(kOurMac)});
  EXPECT_NE(text.find("(ether dst 33:33:6d:63:61:73 and ip6 dst host "
                      "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173 and (udp dst port 43113 or "
                      "ip6[6] == 44))"),
            std::string::npos)
      << text;
  const Filter filter(text);
  ASSERT_TRUE(filter.compiled()) << text;
  EXPECT_TRUE(filter.matches(build_frame6()));
  for (const Bytes& f : split_into_fragments6(with_payload(3000), 1500, 7)) {
    EXPECT_TRUE(filter.matches(f));
  }
  Frame6Spec port;
  port.dport = 43114;
  EXPECT_FALSE(filter.matches(build_frame6(port)));
  Frame6Spec group;
  group.ip_dst = "ff15::1";
  group.eth_dst = "33:33:00:00:00:01";
  EXPECT_FALSE(filter.matches(build_frame6(group)));
  Frame6Spec ours;
  ours.eth_src = kOurMac;
  EXPECT_FALSE(filter.matches(build_frame6(ours)));
  // The IPv4 broadcasts are still taken.
  EXPECT_TRUE(filter.matches(build_frame()));
}

// -- rewrite and checksum --

TEST(Ipv6Checksum, MatchesTheReferenceAndLibtinsForOddAndEvenLengths) {
  for (std::size_t size : {0u, 1u, 52u, 53u, 1400u}) {
    const Bytes frame = with_payload(size);
    EXPECT_TRUE(udp6_checksum_valid(frame, 54)) << size;
    Bytes udp(frame.begin() + 54, frame.end());
    udp[6] = udp[7] = 0;
    EXPECT_EQ(udp_checksum(addr("2001:db8:1::10"), addr(kCanGroup), udp), get16(frame, 60));
    // libtins serialises the same datagram with its own checksum code.
    Tins::EthernetII pdu = Tins::EthernetII(Tins::EthernetII::address_type(kCanGroupMac),
                                            Tins::EthernetII::address_type(kClientMac)) /
                           Tins::IPv6(kCanGroup, "2001:db8:1::10") / Tins::UDP(43113, 40000) /
                           Tins::RawPDU(Bytes(frame.begin() + 62, frame.end()));
    const Bytes tins = pdu.serialize();
    EXPECT_EQ(get16(tins, 60), get16(frame, 60)) << size;
  }
}

TEST(Ipv6Rewrite, OnlyTheEthernetSourceChangesAndTheChecksumIsValid) {
  Frame6Spec spec;
  spec.hop_limit = 1;
  spec.extensions = {{kNextHeaderHopByHop, padding_header()}};
  const Bytes frame = build_frame6(spec);
  const Classified c = kKinds.classify(frame);
  ASSERT_FALSE(c.drop);
  const Emission emission = kKinds.emission(*c.destination, c.view, ip("198.18.2.255"));
  EXPECT_EQ(emission.destination_mac, mac(kCanGroupMac));
  EXPECT_EQ(emission.ip_destination, addr(kCanGroup));
  Bytes out(kMaxFrameSize);
  out.resize(rewrite_frame(c.view, emission, mac(kOurMac), out));
  Frame6Spec expected = spec;
  expected.eth_src = kOurMac;
  EXPECT_EQ(out, build_frame6(expected)) << "source, hop limit, flow label, class, options kept";
  EXPECT_EQ(out[21], 1);
  EXPECT_TRUE(udp6_checksum_valid(out, 62));
}

TEST(Ipv6Rewrite, ABrokenChecksumFromAPeerIsMadeValid) {
  Bytes frame = build_frame6();
  frame[60] ^= 0x55;
  const Classified c = kKinds.classify(frame);
  ASSERT_FALSE(c.drop);
  Bytes out(kMaxFrameSize);
  out.resize(rewrite_frame(c.view, kKinds.emission(*c.destination, c.view, {}), mac(kOurMac), out));
  EXPECT_TRUE(udp6_checksum_valid(out, 54));
}

// -- reassembly and re-fragmentation --

IpFrameView ip_view(const Bytes& frame) {
  const ParsedIp parsed = parse_ip_frame(frame);
  EXPECT_FALSE(parsed.drop);
  return parsed.view;
}

const TimePoint kStart{std::chrono::seconds(100)};

TEST(Ipv6Reassembly, FragmentsInAnyOrderMakeTheOriginalDatagram) {
  const Bytes whole = with_payload(60000);
  std::vector<Bytes> fragments = split_into_fragments6(whole, 1500, 0xdeadbeef);
  std::swap(fragments.front(), fragments.back());
  Reassembler reassembler;
  Bytes complete;
  for (const Bytes& f : fragments) {
    const ReassemblyOutcome outcome = reassembler.add(ip_view(f), kStart);
    ASSERT_FALSE(outcome.drop);
    if (!outcome.complete.empty())
      complete.assign(outcome.complete.begin(), outcome.complete.end());
  }
  EXPECT_EQ(complete, whole);
  EXPECT_EQ(reassembler.in_flight(), 0u);
}

TEST(Ipv6Reassembly, KeysOnSourceDestinationAndThe32BitIdentification) {
  const Bytes whole = with_payload(3000);
  Reassembler reassembler;
  const auto first = split_into_fragments6(whole, 1500, 0x00010001);
  const auto other = split_into_fragments6(whole, 1500, 0x00020001);  // differs in the high 16 bits
  EXPECT_TRUE(reassembler.add(ip_view(first[0]), kStart).complete.empty());
  EXPECT_TRUE(reassembler.add(ip_view(other[1]), kStart).complete.empty());
  EXPECT_TRUE(reassembler.add(ip_view(other[2]), kStart).complete.empty());
  EXPECT_EQ(reassembler.in_flight(), 2u);
  EXPECT_TRUE(reassembler.add(ip_view(first[1]), kStart).complete.empty());
  EXPECT_FALSE(reassembler.add(ip_view(first[2]), kStart).complete.empty());
}

TEST(Ipv6Reassembly, OverlapsTimeoutsAndOversizeAreTheSameCountedDropsAsIpv4) {
  const auto fragments = split_into_fragments6(with_payload(5000), 1500, 9);
  Reassembler reassembler(ReassemblyLimits{4, std::chrono::seconds(2)});
  reassembler.add(ip_view(fragments[0]), kStart);
  EXPECT_EQ(reassembler.add(ip_view(fragments[0]), kStart).drop, DropReason::kFragmentOverlap);
  reassembler.add(ip_view(fragments[1]), kStart);
  EXPECT_EQ(reassembler.expire(kStart + std::chrono::seconds(2)), 1u);
  Bytes past = fragments.back();
  put16(past, 56, 65528);  // offset 65528 plus data: past the 65535-byte payload length
  EXPECT_EQ(reassembler.add(ip_view(past), kStart).drop, DropReason::kFragmentTooLarge);
  Bytes odd = fragments[0];  // a non-final fragment whose size is not a multiple of 8
  odd.pop_back();
  put16(odd, 18, get16(odd, 18) - 1);
  EXPECT_EQ(reassembler.add(ip_view(odd), kStart).drop, DropReason::kMalformed);
}

TEST(Ipv6Fragmenter, SplitsAtTheMtuWithAFragmentHeaderAndReassemblesByteIdentical) {
  const Bytes whole = with_payload(60000);
  const Classified c = kKinds.classify(whole);
  ASSERT_FALSE(c.drop);
  CollectingSink sink;
  Bytes scratch(kMaxFrameSize);
  const FragmentResult result = send_fragmented(whole, c.view, 1400, 0xfeedf00d, sink, scratch);
  EXPECT_EQ(result.failed, 0u);
  const std::size_t room = (1400 - 48) / 8 * 8;  // 1352
  EXPECT_EQ(sink.frames.size(), (60008 + room - 1) / room);
  for (std::size_t i = 0; i < sink.frames.size(); ++i) {
    const Bytes& f = sink.frames[i];
    EXPECT_LE(f.size(), 14u + 1400);
    EXPECT_EQ(f[20], 44) << "next header: fragment";
    EXPECT_EQ(f[21], 1) << "hop limit kept";
    EXPECT_EQ(get16(f, 56) & ~7U, i * room) << "offset in 8-byte units";
    EXPECT_EQ((get16(f, 56) & 1U) != 0, i + 1 < sink.frames.size()) << "M on all but the last";
    EXPECT_EQ(get16(f, 58), 0xfeed);
    EXPECT_EQ(get16(f, 60), 0xf00d);
    EXPECT_EQ(get16(f, 18), f.size() - 54);
  }
  EXPECT_EQ(join_fragments6(sink.frames), whole);
}

TEST(Ipv6Fragmenter, RepeatsTheHopByHopHeaderInEveryFragment) {
  Frame6Spec spec;
  spec.extensions = {{kNextHeaderHopByHop, padding_header()}};
  spec.payload.resize(3000);
  const Bytes whole = build_frame6(spec);
  const Classified c = kKinds.classify(whole);
  ASSERT_FALSE(c.drop);
  CollectingSink sink;
  Bytes scratch(kMaxFrameSize);
  send_fragmented(whole, c.view, 1280, 1, sink, scratch);
  ASSERT_EQ(sink.frames.size(), 3u);
  Reassembler reassembler;
  Bytes complete;
  for (const Bytes& f : sink.frames) {
    EXPECT_EQ(f[20], kNextHeaderHopByHop);
    EXPECT_EQ(f[54], kNextHeaderFragment);
    const ReassemblyOutcome outcome = reassembler.add(ip_view(f), kStart);
    if (!outcome.complete.empty())
      complete.assign(outcome.complete.begin(), outcome.complete.end());
  }
  EXPECT_EQ(complete, whole);
}

TEST(Ipv6Fragmenter, AnAtomicFragmentsHeaderGivesWayToTheRealOnes) {
  Frame6Spec atomic;
  atomic.payload.resize(3000);
  atomic.extensions = {{kNextHeaderFragment, Bytes{0, 0, 0, 0, 0, 0, 0, 9}}};
  const Bytes whole = build_frame6(atomic);
  const Classified c = kKinds.classify(whole);
  ASSERT_FALSE(c.drop) << "an atomic fragment is a whole datagram (RFC 6946)";
  ASSERT_FALSE(c.fragment);
  CollectingSink sink;
  Bytes scratch(kMaxFrameSize);
  send_fragmented(whole, c.view, 1280, 77, sink, scratch);
  Frame6Spec plain = atomic;
  plain.extensions.clear();
  EXPECT_EQ(join_fragments6(sink.frames), build_frame6(plain));
}

// -- the fuzz seeds are what they say they are: the fuzzer starts from valid frames --

Bytes read_seed(const std::string& name) {
  std::FILE* file =
      std::fopen((std::string(SNOWSIGNAL_FIXTURES_DIR) + "/fuzz/" + name).c_str(), "rb");
  if (file == nullptr) return {};
  Bytes bytes(70000);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
  std::fclose(file);
  return bytes;
}

TEST(Ipv6FuzzSeeds, ReachTheIpv6PathsOfTheFrameTarget) {
  for (const char* name : {"fuzz_frame/ipv6-multicast", "fuzz_frame/ipv6-hop-by-hop",
                           "fuzz_frame/ipv6-larger-than-1280"}) {
    const Bytes frame = read_seed(name);
    ASSERT_FALSE(frame.empty()) << name;
    const Classified c = kKinds.classify(frame);
    EXPECT_FALSE(c.drop) << name;
    EXPECT_EQ(c.destination, &kCanRow) << name;
  }
  EXPECT_GT(kKinds.classify(read_seed("fuzz_frame/ipv6-larger-than-1280")).view.ip_total_length,
            kIpv6MinimumMtu);
  Reassembler reassembler;
  const Bytes first = read_seed("fuzz_frame/ipv6-fragment-first");
  const Bytes last = read_seed("fuzz_frame/ipv6-fragment-last");
  ASSERT_TRUE(kKinds.classify(first).fragment);
  ASSERT_TRUE(kKinds.classify(last).fragment);
  reassembler.add(kKinds.classify(first).ip, kStart);
  const ReassemblyOutcome outcome = reassembler.add(kKinds.classify(last).ip, kStart);
  ASSERT_FALSE(outcome.complete.empty());
  const Bytes whole(outcome.complete.begin(), outcome.complete.end());
  EXPECT_FALSE(kKinds.classify(whole).drop);
  EXPECT_TRUE(udp6_checksum_valid(whole, 54));
  const Bytes mesh = read_seed("fuzz_mesh_v1/ipv6-multicast");
  EXPECT_EQ(Bytes(mesh.begin() + 2, mesh.end()), read_seed("fuzz_frame/ipv6-multicast"));
}

// -- the scope policy of --multicast --

TEST(Ipv6GroupPolicy, AcceptsLinkToSiteScopesByDefault) {
  for (const char* group : {kCanGroup, "ff02::fb", "ff03::1:5", "ff04::42", "ff05::1234"}) {
    EXPECT_FALSE(ipv6_group_refusal(addr(group), false)) << group;
  }
}

TEST(Ipv6GroupPolicy, WiderScopesOnlyWhenAskedFor) {
  for (const char* group : {"ff08::1234", "ff0e::1234", "ff1e::42"}) {
    const auto refusal = ipv6_group_refusal(addr(group), false);
    ASSERT_TRUE(refusal) << group;
    EXPECT_NE(refusal->find("--multicast-wide-scope"), std::string::npos) << *refusal;
    EXPECT_FALSE(ipv6_group_refusal(addr(group), true)) << group;
  }
}

TEST(Ipv6GroupPolicy, NeverTheReservedOrInterfaceScopesOrTheControlPlane) {
  const std::vector<std::pair<const char*, const char*>> cases{
      {"ff00::1234", "reserved"},
      {"ff0f::1234", "reserved"},
      {"ff01::1234", "interface-local"},
      {"ff02::1", "all-nodes"},
      {"ff05::1", "all-nodes"},
      {"ff02::2", "all-routers"},
      {"ff02::16", "MLDv2"},
      {"ff02::1:ff12:3456", "solicited-node"},
      {"ff02::5", "routing"},
      {"ff02::d", "routing"},
      {"ff02::1:2", "DHCPv6"},
      {"ff05::1:3", "DHCPv6"},
      {"2001:db8::1", "not an IPv6 multicast"}};
  for (const auto& [group, why] : cases) {
    for (bool wide : {false, true}) {
      const auto refusal = ipv6_group_refusal(addr(group), wide);
      ASSERT_TRUE(refusal) << group;
      EXPECT_NE(refusal->find(why), std::string::npos) << group << ": " << *refusal;
    }
  }
  EXPECT_FALSE(ipv6_group_refusal(addr("ff12::1"), false)) << "transient, not all-nodes";
}

}  // namespace
}  // namespace snowsignal::testing
