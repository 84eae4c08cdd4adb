#include "netsim/namespaces.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

namespace netsim {
namespace {

void ignore(int) {}

TEST(HandlesSignal, SeesAHandlerInstalledByTheProcess) {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = ignore;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR2, &sa, &old), 0);
  EXPECT_TRUE(handles_signal(getpid(), SIGUSR2));
  sigaction(SIGUSR2, &old, nullptr);
  EXPECT_FALSE(handles_signal(getpid(), SIGUSR2)) << "default disposition is not a handler";
}

TEST(HandlesSignal, SeesABlockedSignalAsASignalfdReaderHasIt) {
  // snowsignal blocks SIGUSR1 and reads it from a signalfd: no handler, yet sending it
  // is safe and is how netsim asks for fresh stats.
  sigset_t usr2, old;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &usr2, &old), 0);
  EXPECT_TRUE(handles_signal(getpid(), SIGUSR2));
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_FALSE(handles_signal(getpid(), SIGUSR2));
}

TEST(HandlesSignal, IsFalseForAProcessThatDoesNotExist) {
  EXPECT_FALSE(handles_signal(-1, SIGUSR1));
}

TEST(RunCommand, ReportsStatusAndOutputWithoutAShell) {
  CommandResult r = run_command(-1, {"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
  CommandResult literal = run_command(-1, {"echo", "$HOME;", "`id`"});
  EXPECT_EQ(literal.output, "$HOME; `id`\n") << "arguments reach the program untouched";
}

TEST(RunCommand, KillsACommandThatOverrunsItsTimeout) {
  CommandResult r = run_command(-1, {"sleep", "30"}, 0.2);
  EXPECT_EQ(r.status, 128 + SIGKILL);
}

}  // namespace
}  // namespace netsim
