// The poll loop: capture and mesh readiness reach the right handler, SIGUSR1 reports,
// SIGTERM/SIGINT end the loop, timers run. Pipes stand in for the capture and mesh fds.
// Its own executable: SignalFd blocks signals for the whole process, and no other
// thread may exist that could take them instead.
#include "event_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "mocks.h"

namespace snowsignal::testing {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
using ::testing::ReturnRef;

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  void poke() const { EXPECT_EQ(::write(fds[1], "x", 1), 1); }
  void drain() const {
    char byte;
    EXPECT_EQ(::read(fds[0], &byte, 1), 1);
  }
};

class EventLoopTest : public ::testing::Test {
 protected:
  EventLoopTest() {
    ON_CALL(source_, selectable_fd()).WillByDefault(Return(capture_.fds[0]));
    ON_CALL(clock_, now()).WillByDefault([] {
      return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
    });
  }

  Pipe capture_, mesh_pipe_;
  InterfaceInfo interface_;
  std::vector<IpAddress> peer_list_;
  NiceMock<MockFrameSource> source_;
  NiceMock<MockMeshSocket> mesh_;
  NiceMock<MockFrameSink> sink_;
  NiceMock<MockPeerDirectory> peers_;
  NiceMock<MockClock> clock_;
  // The core reads the peer set when it is built, before the constructor body runs.
  bool peers_answer_ = (ON_CALL(peers_, peers()).WillByDefault(ReturnRef(peer_list_)), true);
  SignalFd signals_;
  RelayCore core_{RelaySettings{}, interface_, mesh_, sink_, peers_, clock_};
  EventLoop loop_{source_, core_, mesh_pipe_.fds[0], signals_, clock_};
};

TEST_F(EventLoopTest, ReadableCaptureIsDispatchedToTheCoreAndSigtermEndsTheLoop) {
  EXPECT_CALL(source_, dispatch(_, 256)).WillOnce([&](FrameHandler& handler, std::size_t) {
    EXPECT_EQ(&handler, &core_);
    capture_.drain();
    ::kill(::getpid(), SIGTERM);
    return std::size_t{1};
  });
  capture_.poke();
  EXPECT_EQ(loop_.run(), SIGTERM);
}

TEST_F(EventLoopTest, ReadableMeshSocketIsDrainedThroughTheCore) {
  EXPECT_CALL(mesh_, receive(_)).WillOnce([&](std::span<Byte>) {
    mesh_pipe_.drain();
    ::kill(::getpid(), SIGINT);
    return std::nullopt;
  });
  mesh_pipe_.poke();
  EXPECT_EQ(loop_.run(), SIGINT);
}

TEST_F(EventLoopTest, AnErrorOnTheMeshSocketIsDrainedFromItsErrorQueue) {
  // The write end of a pipe whose reader is gone polls POLLERR and nothing else, as a
  // UDP socket with only a queued ICMP error does.
  Pipe broken;
  ::close(broken.fds[0]);
  broken.fds[0] = -1;
  EventLoop loop(source_, core_, broken.fds[1], signals_, clock_);
  EXPECT_CALL(mesh_, drain_errors(_, 256))
      .WillOnce([](const auto&, std::size_t) {
        ::kill(::getpid(), SIGTERM);
        return std::size_t{0};
      })
      .WillRepeatedly(Return(std::size_t{0}));  // the pipe stays broken until SIGTERM is read
  EXPECT_CALL(mesh_, receive(_)).Times(0);
  EXPECT_EQ(loop.run(), SIGTERM);
}

TEST_F(EventLoopTest, Sigusr1RunsTheReportAndTheLoopGoesOn) {
  int reports = 0;
  loop_.on_usr1([&] {
    if (++reports == 2)
      ::kill(::getpid(), SIGTERM);
    else
      ::kill(::getpid(), SIGUSR1);
  });
  ::kill(::getpid(), SIGUSR1);
  EXPECT_EQ(loop_.run(), SIGTERM);
  EXPECT_EQ(reports, 2);
}

// netsim only sends SIGUSR1 to a process whose /proc status lists it as caught.
TEST_F(EventLoopTest, HandledSignalsShowAsCaughtInProcStatus) {
  std::ifstream status("/proc/self/status");
  unsigned long long caught = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("SigCgt:", 0) == 0) caught = std::stoull(line.substr(7), nullptr, 16);
  }
  for (const int signal : {SIGINT, SIGTERM, SIGUSR1}) {
    EXPECT_TRUE((caught >> (signal - 1)) & 1U) << signal;
  }
}

TEST_F(EventLoopTest, TimersRunPeriodically) {
  int ticks = 0;
  loop_.every(std::chrono::milliseconds(5), [&] {
    if (++ticks == 3) ::kill(::getpid(), SIGTERM);
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(loop_.run(), SIGTERM);
  EXPECT_EQ(ticks, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace snowsignal::testing
