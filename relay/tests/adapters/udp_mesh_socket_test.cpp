// The mesh socket on loopback: ICMP errors for a peer that is not listening come out of
// the error queue naming the peer, and a pending error never costs a send or a receive
// meant for another peer (with IP_RECVERR the kernel also reports it once, on whichever
// call comes next). Batched receive (recvmmsg), batched send to every peer (sendmmsg),
// and the receive overflow counter with a buffer made tiny on purpose. The socket is
// dual-stack: 127.0.0.1 (IPv4-mapped) and ::1 through the same socket, ICMPv6 errors as
// well as ICMP ones; and its IPv4-only fallback refuses IPv6 peers by name.
#include "udp_mesh_socket.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "peer_ip.h"

namespace snowsignal::testing {
namespace {

const IpAddress kLoopback = IpAddress::from_v4(Ipv4Address{0x7F000001});
const IpAddress kLoopback6 = *IpAddress::parse("::1");
const std::array<Byte, 4> kPayload{'S', 'S', 1, 2};

// A plain UDP socket on 127.0.0.1 with an ephemeral port.
struct LoopbackSocket {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  LoopbackSocket() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
  }
  ~LoopbackSocket() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::uint16_t local_port_of(int other_fd) const {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    ::getsockname(other_fd, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
  }
};

// A port nobody listens on: bound, noted, closed.
std::uint16_t closed_port() {
  LoopbackSocket s;
  return s.port;
}

bool wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, 2000) == 1 && (p.revents & events) != 0;
}

// POLLERR is always reported, never asked for.
bool wait_for_error(int fd) {
  pollfd p{fd, 0, 0};
  return ::poll(&p, 1, 2000) == 1 && (p.revents & POLLERR) != 0;
}

class UdpMeshSocketTest : public ::testing::Test {
 protected:
  // Sends to a closed port and waits until the ICMP error is queued.
  void provoke_port_unreachable() {
    ASSERT_EQ(mesh_.send_to(kLoopback, closed_port(), kPayload), SendStatus::kOk);
    ASSERT_TRUE(wait_for_error(mesh_.selectable_fd())) << "no POLLERR: is loopback up?";
  }
  UdpMeshSocket mesh_{0};
};

TEST_F(UdpMeshSocketTest, APortUnreachableComesOutOfTheErrorQueueNamingThePeer) {
  provoke_port_unreachable();
  std::vector<MeshError> errors;
  EXPECT_EQ(mesh_.drain_errors([&](const MeshError& e) { errors.push_back(e); }, 16), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].peer, kLoopback);
  EXPECT_EQ(errors[0].origin, MeshError::Origin::kIcmp);
  EXPECT_EQ(errors[0].icmp_type, 3);
  EXPECT_EQ(errors[0].icmp_code, 3);
  EXPECT_EQ(errors[0].error_number, ECONNREFUSED);
  EXPECT_EQ(mesh_.drain_errors([](const MeshError&) {}, 16), 0u) << "drained";
  pollfd p{mesh_.selectable_fd(), 0, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0) << "POLLERR must clear once the queue is drained";
}

TEST_F(UdpMeshSocketTest, APendingErrorDoesNotFailTheNextSendToAnotherPeer) {
  LoopbackSocket live_peer;
  provoke_port_unreachable();
  EXPECT_EQ(mesh_.send_to(kLoopback, live_peer.port, kPayload), SendStatus::kOk)
      << mesh_.last_error();
  std::array<Byte, 16> buffer{};
  ASSERT_TRUE(wait_for(live_peer.fd, POLLIN));
  EXPECT_EQ(::recv(live_peer.fd, buffer.data(), buffer.size(), MSG_DONTWAIT), 4);
}

TEST_F(UdpMeshSocketTest, APendingErrorDoesNotHideADatagramWaitingToBeRead) {
  LoopbackSocket sender;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(sender.local_port_of(mesh_.selectable_fd()));
  ASSERT_EQ(::sendto(sender.fd, kPayload.data(), kPayload.size(), 0,
                     reinterpret_cast<sockaddr*>(&to), sizeof to),
            4);
  provoke_port_unreachable();
  std::array<Byte, 16> buffer{};
  const auto datagram = mesh_.receive(buffer);
  ASSERT_TRUE(datagram);
  EXPECT_EQ(datagram->from, kLoopback);
  EXPECT_EQ(datagram->size, 4u);
}

const IpAddress kLoopback2 = IpAddress::from_v4(Ipv4Address{0x7F000002});
using Bytes = std::vector<Byte>;

// A UDP port free right now on 127.0.0.1.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 5000) == 1;
}

TEST(UdpMeshSocketBatches, SendsOneFrameToEveryPeerAndReceivesThemInOrder) {
  const std::uint16_t port = free_port();
  UdpMeshSocket receiver(port, 1 << 20);
  UdpMeshSocket sender(free_port(), 1 << 20);
  const Bytes payload{'S', 'S', 1, 2, 3};
  const std::vector<IpAddress> peers{kLoopback, kLoopback2, kLoopback};
  std::vector<SendStatus> statuses(peers.size(), SendStatus::kError);
  sender.send_to_each(peers, port, payload, statuses);
  for (SendStatus s : statuses) EXPECT_EQ(s, SendStatus::kOk);
  std::vector<Byte> buffer(2048);
  std::size_t received = 0;
  while (received < peers.size() && wait_readable(receiver.selectable_fd())) {
    while (auto d = receiver.receive(buffer)) {
      EXPECT_EQ(d->size, payload.size());
      EXPECT_FALSE(d->truncated);
      EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + d->size), payload);
      ++received;
    }
  }
  EXPECT_EQ(received, peers.size());
  EXPECT_EQ(receiver.receive_overflows(), 0u);
}

TEST(UdpMeshSocketBatches, ADatagramLongerThanTheCallersBufferIsMarkedTruncated) {
  const std::uint16_t port = free_port();
  UdpMeshSocket receiver(port, 1 << 20);
  UdpMeshSocket sender(free_port(), 1 << 20);
  const Bytes payload(1400, 7);
  EXPECT_EQ(sender.send_to(kLoopback, port, payload), SendStatus::kOk);
  ASSERT_TRUE(wait_readable(receiver.selectable_fd()));
  std::vector<Byte> small(100);
  auto d = receiver.receive(small);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->truncated);
  EXPECT_EQ(d->size, small.size());
}

TEST(UdpMeshSocketBatches, ATinyReceiveBufferOverflowsAndEveryLossIsCounted) {
  const std::uint16_t port = free_port();
  UdpMeshSocket receiver(port, 4096);  // the option's minimum: a few datagrams
  UdpMeshSocket sender(free_port(), 1 << 20);
  const Bytes payload(1400, 9);
  constexpr int kSent = 200;
  for (int i = 0; i < kSent; ++i)
    ASSERT_EQ(sender.send_to(kLoopback, port, payload), SendStatus::kOk);
  std::vector<Byte> buffer(2048);
  std::uint64_t received = 0;
  while (auto d = receiver.receive(buffer)) ++received;
  const std::uint64_t overflows = receiver.receive_overflows();
  EXPECT_GT(overflows, 0u) << "the buffer was made small enough to overflow";
  EXPECT_EQ(received + overflows, static_cast<std::uint64_t>(kSent))
      << "what did not arrive is exactly what was counted";
}

// ::1 usable here (not so where the kernel or the namespace runs without IPv6).
bool has_ipv6_loopback() {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// A plain UDP socket on ::1 with an ephemeral port.
struct Ipv6LoopbackSocket {
  int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  Ipv6LoopbackSocket() {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t size = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin6_port);
  }
  ~Ipv6LoopbackSocket() { ::close(fd); }
};

std::uint16_t closed_port6() {
  Ipv6LoopbackSocket s;
  return s.port;
}

class DualStackMeshSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!has_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback (::1) on this host";
    mesh_.emplace(0);
    ASSERT_TRUE(mesh_->dual_stack());
  }
  std::optional<UdpMeshSocket> mesh_;
};

TEST_F(DualStackMeshSocketTest, AnIcmpv6PortUnreachableFromLoopbackNamesThePeer) {
  ASSERT_EQ(mesh_->send_to(kLoopback6, closed_port6(), kPayload), SendStatus::kOk)
      << mesh_->last_error();
  ASSERT_TRUE(wait_for_error(mesh_->selectable_fd())) << "no POLLERR for ::1";
  std::vector<MeshError> errors;
  EXPECT_EQ(mesh_->drain_errors([&](const MeshError& e) { errors.push_back(e); }, 16), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].peer, kLoopback6);
  EXPECT_EQ(errors[0].reporter, kLoopback6);
  EXPECT_EQ(errors[0].origin, MeshError::Origin::kIcmp6);
  EXPECT_EQ(errors[0].icmp_type, 1);  // ICMPv6 destination unreachable
  EXPECT_EQ(errors[0].icmp_code, 4);  // port unreachable
  EXPECT_EQ(errors[0].error_number, ECONNREFUSED);
}

TEST_F(DualStackMeshSocketTest, AnIcmpPortUnreachableForAnIpv4PeerNamesItIpv4) {
  // The dual-stack socket reads ICMP errors about IPv4-mapped peers as IPV6_RECVERR.
  ASSERT_EQ(mesh_->send_to(kLoopback, closed_port(), kPayload), SendStatus::kOk);
  ASSERT_TRUE(wait_for_error(mesh_->selectable_fd()));
  std::vector<MeshError> errors;
  mesh_->drain_errors([&](const MeshError& e) { errors.push_back(e); }, 16);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].peer, kLoopback);
  EXPECT_TRUE(errors[0].peer.is_v4());
  EXPECT_EQ(errors[0].reporter, kLoopback);
  EXPECT_EQ(errors[0].origin, MeshError::Origin::kIcmp);
  EXPECT_EQ(errors[0].icmp_type, 3);
  EXPECT_EQ(errors[0].icmp_code, 3);
}

TEST_F(DualStackMeshSocketTest, OneSocketSendsToAndHearsFromBothFamilies) {
  const std::uint16_t port = free_port();
  UdpMeshSocket receiver(port, 1 << 20);
  ASSERT_TRUE(receiver.dual_stack());
  const Bytes payload{'S', 'S', 4, 6};
  // The sender is mesh_, bound to an ephemeral port: one batch to peers of both families.
  const std::vector<IpAddress> peers{kLoopback, kLoopback6, kLoopback2};
  std::vector<SendStatus> statuses(peers.size(), SendStatus::kError);
  mesh_->send_to_each(peers, port, payload, statuses);
  for (SendStatus st : statuses) EXPECT_EQ(st, SendStatus::kOk) << mesh_->last_error();
  std::vector<IpAddress> senders;
  std::vector<Byte> buffer(2048);
  while (senders.size() < peers.size() && wait_readable(receiver.selectable_fd())) {
    while (auto d = receiver.receive(buffer)) {
      EXPECT_EQ(Bytes(buffer.begin(), buffer.begin() + d->size), payload);
      senders.push_back(d->from);
    }
  }
  // IPv4 senders arrive IPv4-mapped: the same value as the peer configured as 127.0.0.1.
  std::sort(senders.begin(), senders.end());
  EXPECT_EQ(senders, (std::vector<IpAddress>{kLoopback6, kLoopback, kLoopback}));
}

TEST(Ipv4OnlyMeshSocket, RefusesIpv6PeersClearlyAndStillServesIpv4Ones) {
  // What a host without IPv6 gets after the fallback.
  const std::uint16_t port = free_port();
  UdpMeshSocket receiver(port, 1 << 20, UdpMeshSocket::Families::kIpv4Only);
  UdpMeshSocket sender(free_port(), 1 << 20, UdpMeshSocket::Families::kIpv4Only);
  EXPECT_FALSE(sender.dual_stack());
  EXPECT_EQ(sender.send_to(kLoopback6, port, kPayload), SendStatus::kUnreachable);
  EXPECT_NE(std::string(sender.last_error()).find("no IPv6"), std::string::npos)
      << sender.last_error();
  const std::vector<IpAddress> peers{kLoopback6, kLoopback};
  std::vector<SendStatus> statuses(peers.size(), SendStatus::kError);
  sender.send_to_each(peers, port, kPayload, statuses);
  EXPECT_EQ(statuses[0], SendStatus::kUnreachable);
  EXPECT_EQ(statuses[1], SendStatus::kOk);
  ASSERT_TRUE(wait_readable(receiver.selectable_fd()));
  std::vector<Byte> buffer(64);
  const auto d = receiver.receive(buffer);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->from, kLoopback);
  EXPECT_FALSE(receiver.receive(buffer)) << "the IPv6 peer was never sent to";
}

TEST(Ipv4OnlyMeshSocket, StillReadsIcmpErrorsFromTheIpv4ErrorQueue) {
  UdpMeshSocket mesh(0, 1 << 20, UdpMeshSocket::Families::kIpv4Only);
  ASSERT_EQ(mesh.send_to(kLoopback, closed_port(), kPayload), SendStatus::kOk);
  ASSERT_TRUE(wait_for_error(mesh.selectable_fd()));
  std::vector<MeshError> errors;
  mesh.drain_errors([&](const MeshError& e) { errors.push_back(e); }, 16);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].peer, kLoopback);
  EXPECT_EQ(errors[0].reporter, kLoopback);
  EXPECT_EQ(errors[0].origin, MeshError::Origin::kIcmp);
  EXPECT_EQ(errors[0].icmp_code, 3);
}

}  // namespace
}  // namespace snowsignal::testing
