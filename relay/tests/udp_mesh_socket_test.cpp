// The mesh socket on loopback: ICMP errors for a peer that is not listening come out of
// the error queue naming the peer, and a pending error never costs a send or a receive
// meant for another peer (with IP_RECVERR the kernel also reports it once, on whichever
// call comes next).
#include "udp_mesh_socket.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

namespace snowsignal::testing {
namespace {

const Ipv4Address kLoopback{0x7F000001};
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

}  // namespace
}  // namespace snowsignal::testing
