// The status socket on the filesystem (no network): what it serves, what it replaces,
// what it refuses, and that it leaves nothing behind.
#include "status_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace snowsignal::testing {
namespace {

namespace fs = std::filesystem;

class StatusSocketTest : public ::testing::Test {
 protected:
  StatusSocketTest() {
    std::string pattern = (fs::temp_directory_path() / "snowsignal-status-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~StatusSocketTest() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(StatusSocketTest, EveryConnectionGetsTheLatestDocumentAndTheSocketGoesAtExit) {
  // Its directory is made for it (one level, as /run/snowsignal under /run).
  const std::string socket = path("snowsignal/status.sock");
  {
    StatusServer server(socket);
    EXPECT_EQ(fs::status(socket).permissions() & fs::perms::others_all, fs::perms::none);
    server.publish("{\"first\":1}\n");
    EXPECT_EQ(fetch_status(socket).document, "{\"first\":1}\n");
    server.publish("{\"second\":2}\n");
    const StatusFetch again = fetch_status(socket);
    EXPECT_TRUE(again.ok);
    EXPECT_EQ(again.document, "{\"second\":2}\n");
  }
  EXPECT_FALSE(fs::exists(socket));
  const StatusFetch gone = fetch_status(socket);
  EXPECT_FALSE(gone.ok);
  EXPECT_NE(gone.error.find("no relay answers on " + socket), std::string::npos) << gone.error;
}

TEST_F(StatusSocketTest, ASocketLeftByADeadRelayIsReplaced) {
  const std::string socket = path("status.sock");
  // What a killed relay leaves: a bound socket file nobody listens on.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, socket.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
  ASSERT_TRUE(fs::is_socket(socket));
  StatusServer server(socket);
  server.publish("ok\n");
  EXPECT_EQ(fetch_status(socket).document, "ok\n");
}

TEST_F(StatusSocketTest, ALiveRelaysSocketOrAFileIsNeverTakenOver) {
  const std::string socket = path("status.sock");
  StatusServer first(socket);
  try {
    StatusServer second(socket);
    ADD_FAILURE() << "a second relay took over the first one's socket";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another relay answers"), std::string::npos) << e.what();
  }
  const std::string file = path("not-a-socket");
  std::ofstream(file) << "data";
  EXPECT_THROW(StatusServer{file}, std::runtime_error);
  EXPECT_TRUE(fs::is_regular_file(file));
}

}  // namespace
}  // namespace snowsignal::testing
