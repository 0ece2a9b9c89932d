// Releasing a line: the kernel sees it free at once (release() or destruction), its event fd is
// closed, a greenlet waiting on it is woken with an error, and it can be requested again.

#include <gmock/gmock.h>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelReleaseTest = KernelGpioTest;

TEST_F(KernelReleaseTest, AReleasedLineIsFreeAndCanBeRequestedAgain) {
  const int fds = open_fd_count();
  InputLine line = chip().request_input(22, {.edge = Edge::both, .consumer = "first"});
  EXPECT_GT(open_fd_count(), fds);  // the request's event fd
  EXPECT_EQ(chip().line_info(22).consumer, "first");
  line.release();
  EXPECT_FALSE(line.requested());
  EXPECT_EQ(open_fd_count(), fds);
  const LineInfo info = chip().line_info(22);
  EXPECT_FALSE(info.used);
  EXPECT_EQ(info.consumer, "");
  line = chip().request_input(22, {.edge = Edge::both, .consumer = "second"});
  EXPECT_EQ(chip().line_info(22).consumer, "second");
}

TEST_F(KernelReleaseTest, DestroyingALineReleasesIt) {
  {
    OutputLine out = chip().request_output(18, {.initial_value = true});
    EXPECT_TRUE(chip().line_info(18).used);
  }
  EXPECT_FALSE(chip().line_info(18).used);
}

TEST_F(KernelReleaseTest, ReleaseWakesAWaitingGreenletWithAnError) {
  InputLine line = chip().request_input(23, {.edge = Edge::both});
  auto waiter = pinfiber::spawn([&]() -> int {
    try {
      line.wait_edge(Edge::both, kEventDue);
      return 0;
    } catch (const GpioError& e) {
      return e.code().value();
    }
  });
  pinfiber::sleep(0);  // the waiter parks on the line's fd
  ASSERT_FALSE(waiter.ready());
  line.release();
  EXPECT_EQ(waiter.get(), EBADF);
  EXPECT_FALSE(chip().line_info(23).used);
}

TEST_F(KernelReleaseTest, EventsOfAReleasedRequestAreGone) {
  InputLine line = chip().request_input(24, {.edge = Edge::both});
  sim().drive_high(24);  // queued in the kernel, never read
  line.release();
  line = chip().request_input(24, {.edge = Edge::both});
  EXPECT_FALSE(line.wait_edge(Edge::both, kQuiet)) << "a new request starts with an empty queue";
  EXPECT_TRUE(line.get());
}

}  // namespace
}  // namespace pinfiber::gpio::testing
