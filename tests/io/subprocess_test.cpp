// Subprocess: pipes read and written cooperatively, exit through a pidfd (or the polling fallback),
// no zombie and no fd left behind. Real children run in real time, so these use RealIoTest and
// bound their waits generously.

#include <signal.h>
#include <sys/wait.h>

#include <string>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

namespace {

// True when the process has no child left to reap (so none was leaked as a zombie).
bool no_children() {
  errno = 0;
  return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

}  // namespace

class SubprocessTest : public RealIoTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    RealIoTest::SetUp();
    pinfiber::detail::subprocess_disable_pidfd(!GetParam());
  }
  void TearDown() override {
    pinfiber::detail::subprocess_disable_pidfd(false);
    EXPECT_TRUE(no_children()) << "a child was left unreaped";
    RealIoTest::TearDown();
  }
};

INSTANTIATE_TEST_SUITE_P(ExitWatch, SubprocessTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Pidfd" : "PollingFallback"; });

TEST_P(SubprocessTest, CapturesOutputAndExitCode) {
  pinfiber::Subprocess p({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(p.read_all_out(10s), "out\n");
  EXPECT_EQ(p.read_all_err(10s), "err\n");
  auto status = p.wait(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->exited());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(status->to_string(), "exit code 3");
  EXPECT_EQ(p.wait(0s)->code, 3);  // reaped once, the same answer after
}

TEST_P(SubprocessTest, StdinIsEchoedBackByCat) {
  pinfiber::Subprocess p({"cat"});  // found in PATH
  std::string big(200000, 'x');     // more than a pipe holds: the writer has to park
  auto writer = pinfiber::spawn([&] {
    p.write_in("hello\n");
    p.write_in(big);
    p.close_in();
  });
  std::string got = p.read_all_out(20s);
  writer.get();
  EXPECT_EQ(got, "hello\n" + big);
  EXPECT_TRUE(p.wait(10s)->success());
}

TEST_P(SubprocessTest, OtherGreenletsRunWhileOneWaitsForTheChild) {
  pinfiber::Subprocess p({"/bin/sleep", "0.3"});
  int ticks = 0;
  auto ticker = pinfiber::spawn([&] {
    for (int i = 0; i < 3; ++i) {
      pinfiber::sleep(10ms);
      ++ticks;
    }
  });
  auto status = p.wait(20s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success());
  EXPECT_EQ(ticks, 3);
  ticker.join();
}

TEST_P(SubprocessTest, WaitTimesOutThenKillEndsTheChild) {
  pinfiber::Subprocess p({"/bin/sleep", "60"});
  EXPECT_FALSE(p.wait(50ms));
  EXPECT_FALSE(p.poll());
  p.kill(SIGTERM);
  auto status = p.wait(20s);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->exited());
  EXPECT_EQ(status->signal, SIGTERM);
  EXPECT_EQ(status->to_string().rfind("killed by signal 15", 0), 0u) << status->to_string();
  p.kill();  // after reaping: nothing to signal, no error
}

TEST_P(SubprocessTest, DestroyingARunningChildKillsAndReapsIt) {
  { pinfiber::Subprocess p({"/bin/sleep", "60"}); }
  EXPECT_TRUE(no_children());
}

TEST_P(SubprocessTest, EnvironmentAndWorkingDirectory) {
  pinfiber::Subprocess p({"/bin/sh", "-c", "echo \"$GREETING\"; pwd"},
                         {.env = std::vector<std::string>{"GREETING=hi there", "PATH=/bin:/usr/bin"}, .cwd = "/tmp"});
  EXPECT_EQ(p.read_all_out(10s), "hi there\n/tmp\n");
  EXPECT_TRUE(p.wait(10s)->success());
}

TEST_P(SubprocessTest, WritingToAChildThatExitedIsEpipeNotSigpipe) {
  pinfiber::Subprocess p({"/bin/sh", "-c", "exec 0<&-; exit 0"}, {.out = pinfiber::Stdio::null});
  ASSERT_TRUE(p.wait(10s));
  try {
    p.write_in("anyone there?\n");
    ADD_FAILURE() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EPIPE);
    EXPECT_NE(std::string(e.what()).find("stdin of subprocess '/bin/sh'"), std::string::npos) << e.what();
  }
}

TEST_P(SubprocessTest, ReadTimesOutWithEtimedout) {
  pinfiber::Subprocess p({"/bin/sleep", "60"});
  char c;
  try {
    p.read_out(&c, 1, 20ms);
    ADD_FAILURE() << "no timeout";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ETIMEDOUT);
  }
}

TEST_P(SubprocessTest, AMissingCommandIsAClearError) {
  for (const char* cmd : {"/no/such/program", "no-such-program-pinfiber"}) {
    try {
      pinfiber::Subprocess p({cmd, "arg"});
      ADD_FAILURE() << cmd << " started";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code().value(), ENOENT);
      EXPECT_NE(std::string(e.what()).find(std::string("start subprocess '") + cmd + "'"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(pinfiber::Subprocess({"/tmp"}), std::system_error);  // a directory: EACCES
}

// On the paused test clock a running child is real work the hub waits for: reading what it will
// write, or waiting for its exit, under a long Timeout does not jump past it to the deadline.
class SubprocessOnPausedClock : public IoTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    IoTest::SetUp();
    pinfiber::detail::subprocess_disable_pidfd(!GetParam());
  }
  void TearDown() override {
    pinfiber::detail::subprocess_disable_pidfd(false);
    IoTest::TearDown();
  }
};

INSTANTIATE_TEST_SUITE_P(ExitWatch, SubprocessOnPausedClock, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "Pidfd" : "PollingFallback"; });

TEST_P(SubprocessOnPausedClock, ATimeoutDoesNotFireWhileTheChildWorks) {
  pinfiber::Timeout t(5s);
  pinfiber::Subprocess p({"/bin/sh", "-c", "sleep 0.1; echo done"});
  EXPECT_EQ(p.read_all_out(), "done\n");
  auto st = p.wait();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->success());
  EXPECT_TRUE(t.pending());
  EXPECT_EQ(elapsed(), 0s);
}
