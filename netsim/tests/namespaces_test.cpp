#include "netsim/namespaces.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

namespace netsim {
namespace {

void ignore(int) {}

TEST(CatchesSignal, SeesAHandlerInstalledByTheProcess) {
  struct sigaction sa {};
  struct sigaction old {};
  sa.sa_handler = ignore;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR2, &sa, &old), 0);
  EXPECT_TRUE(catches_signal(getpid(), SIGUSR2));
  sigaction(SIGUSR2, &old, nullptr);
  EXPECT_FALSE(catches_signal(getpid(), SIGUSR2)) << "default disposition is not a handler";
}

TEST(CatchesSignal, IsFalseForAProcessThatDoesNotExist) {
  EXPECT_FALSE(catches_signal(-1, SIGUSR1));
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
