// One GoogleMock mock per seam in include/snowsignal/.
#pragma once

#include <gmock/gmock.h>

#include <vector>

#include "snowsignal/clock.h"
#include "snowsignal/frame_sink.h"
#include "snowsignal/frame_source.h"
#include "snowsignal/interface_info.h"
#include "snowsignal/mesh_socket.h"
#include "snowsignal/peer_directory.h"

namespace snowsignal::testing {

class MockFrameSource : public FrameSource {
 public:
  MOCK_METHOD(int, selectable_fd, (), (const, override));
  MOCK_METHOD(std::size_t, dispatch, (FrameHandler&, std::size_t), (override));
  MOCK_METHOD(std::uint64_t, kernel_drops, (), (override));
};

class MockFrameSink : public FrameSink {
 public:
  MOCK_METHOD(bool, send, (std::span<const Byte>), (override));
  MOCK_METHOD(const char*, last_error, (), (const, override));
};

// Keeps every frame given to `sink` in `sent`, each send succeeding: for tests that
// judge what went on the wire as a whole (fragments put back together).
inline void record_sends(MockFrameSink& sink, std::vector<std::vector<Byte>>& sent) {
  EXPECT_CALL(sink, send).WillRepeatedly([&sent](std::span<const Byte> frame) {
    sent.emplace_back(frame.begin(), frame.end());
    return true;
  });
}

class MockMeshSocket : public MeshSocket {
 public:
  MOCK_METHOD(int, selectable_fd, (), (const, override));
  MOCK_METHOD(SendStatus, send_to, (IpAddress, std::uint16_t, std::span<const Byte>), (override));
  MOCK_METHOD(std::optional<MeshDatagram>, receive, (std::span<Byte>), (override));
  MOCK_METHOD(const char*, last_error, (), (const, override));
  MOCK_METHOD(std::size_t, drain_errors,
              ((const std::function<void(const MeshError&)>&), std::size_t), (override));
};

class MockPeerDirectory : public PeerDirectory {
 public:
  MOCK_METHOD(const std::vector<IpAddress>&, peers, (), (const, override));
  MOCK_METHOD(bool, self_relay, (), (const, override));
  MOCK_METHOD(void, refresh, (), (override));
};

class MockNameResolver : public NameResolver {
 public:
  MOCK_METHOD(std::vector<IpAddress>, resolve, (const std::string&), (override));
};

class MockInterfaceLookup : public InterfaceLookup {
 public:
  MOCK_METHOD(std::optional<InterfaceInfo>, find, (const std::string&), (const, override));
};

class MockClock : public Clock {
 public:
  MOCK_METHOD(TimePoint, now, (), (const, override));
};

}  // namespace snowsignal::testing
