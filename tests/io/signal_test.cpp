// Signals through the hub: handlers run in greenlets; shutdown() ends main's blocking call.

#include <signal.h>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

class SignalTest : public IoTest {};

TEST_F(SignalTest, HandlerRunsInAGreenletThatMayBlock) {
  int handled = 0;
  pinfiber::SignalHandler h(SIGUSR1, [&] {
    pinfiber::sleep(1s);  // blocking is fine here, unlike in a C signal handler
    ++handled;
  });
  ::raise(SIGUSR1);
  pinfiber::sleep(2s);
  EXPECT_EQ(handled, 1);
  ::raise(SIGUSR1);
  ::raise(SIGUSR1);  // may coalesce into one delivery, as Unix signals do
  pinfiber::sleep(2s);
  EXPECT_GE(handled, 2);
}

TEST_F(SignalTest, AnInstalledHandlerDoesNotKeepTheHubAlive) {
  pinfiber::SignalHandler h(SIGUSR2, [] {});
  auto stuck = pinfiber::spawn([] { pinfiber::detail::park({"nothing"}); });
  EXPECT_THROW(stuck.join(), pinfiber::LoopExit);
  stuck.kill();
}

TEST_F(SignalTest, ShutdownRaisesGreenletExitInMain) {
  pinfiber::SignalHandler h(SIGUSR1, pinfiber::shutdown);
  auto sender = pinfiber::spawn([] {
    pinfiber::sleep(1s);
    ::raise(SIGUSR1);
  });
  EXPECT_THROW(pinfiber::sleep(1h), pinfiber::GreenletExit);
  EXPECT_EQ(elapsed(), 1s);
  sender.join();
}

TEST_F(SignalTest, InvalidSignalIsAnError) {
  EXPECT_THROW(pinfiber::SignalHandler(0, [] {}), pinfiber::Error);
}
