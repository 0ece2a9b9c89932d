// Signals through the hub: handlers run in greenlets; shutdown() ends main's blocking call.

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <pinfiber/sync.hpp>

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
  auto stuck = pinfiber::spawn([] { pinfiber::detail::park_until({"nothing"}, pinfiber::TimePoint::max()); });
  EXPECT_THROW(stuck.join(), pinfiber::LoopExit);
  stuck.kill();
}

TEST_F(SignalTest, ShutdownRaisesGreenletExitInMainAfterTheOthersAreGone) {
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

namespace {
// Counts destructors that ran, so a test can tell a greenlet unwound rather than vanished.
struct Unwound {
  int& count;
  ~Unwound() { ++count; }
};
}  // namespace

TEST_F(SignalTest, ShutdownKillsEveryGreenletWhereverItBlocksThenMainReturns) {
  pinfiber::SignalHandler h(SIGTERM, pinfiber::shutdown);
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  auto reader_end = pinfiber::Socket::adopt(sv[0]);
  auto silent_peer = pinfiber::Socket::adopt(sv[1]);
  pinfiber::Queue<int> empty;
  int unwound = 0;
  std::vector<pinfiber::GreenletBase> blocked;
  blocked.push_back(pinfiber::spawn([&] {
    Unwound u{unwound};
    pinfiber::sleep(24h);
  }));
  blocked.push_back(pinfiber::spawn([&] {
    Unwound u{unwound};
    char c;
    reader_end.recv(&c, 1);  // the peer never writes
  }));
  blocked.push_back(pinfiber::spawn([&] {
    Unwound u{unwound};
    empty.get();
  }));
  blocked.push_back(pinfiber::spawn_later(1h, [&] { ++unwound; }));  // never starts, never runs
  bool all_unwound_before_main = false;
  auto sender = pinfiber::spawn([&] {
    pinfiber::sleep(1s);
    ::raise(SIGTERM);
  });
  try {
    pinfiber::sleep(1h);
    ADD_FAILURE() << "main's sleep was not interrupted";
  } catch (const pinfiber::GreenletExit&) {
    all_unwound_before_main = unwound == 3;
  }
  EXPECT_TRUE(all_unwound_before_main) << "main was interrupted before the others had unwound";
  EXPECT_EQ(elapsed(), 1s);  // nothing waited on a timer: the kills are immediate
  for (const auto& g : blocked) {
    EXPECT_TRUE(g.ready());
    EXPECT_TRUE(g.killed());
  }
  EXPECT_TRUE(sender.ready());
  pinfiber::idle();  // the shutdown greenlet itself ends once it saw them all gone
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}

TEST_F(SignalTest, ShutdownInterruptsMainWithinTheGraceEvenIfAGreenletRefusesToDie) {
  testing::internal::CaptureStderr();
  int lives = 2;
  auto stubborn = pinfiber::spawn([&] {
    while (lives > 0) {
      try {
        pinfiber::sleep(24h);
      } catch (const pinfiber::GreenletExit&) {
        --lives;  // swallows the first kill (bad manners, but it happens)
      }
    }
  });
  stubborn.fiber()->set_name("stubborn");
  pinfiber::spawn([] { pinfiber::shutdown_within(3s); });
  // Main's kill comes right after the others': its blocking call throws at once...
  EXPECT_THROW(pinfiber::sleep(1h), pinfiber::GreenletExit);
  EXPECT_EQ(elapsed(), 0s);
  // ...and the greenlet that swallowed its kill is named once the grace is over.
  pinfiber::sleep(5s);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "pinfiber: warning: shutdown: greenlet 'stubborn' still runs 3000 ms after GreenletExit (it swallowed the "
            "kill?): abandoned\n");
  EXPECT_FALSE(stubborn.ready());
  stubborn.kill();
  EXPECT_TRUE(stubborn.ready());
}

TEST_F(SignalTest, ShutdownCalledFromMainInterruptsItsNextBlockingCall) {
  int unwound = 0;
  auto g = pinfiber::spawn([&] {
    Unwound u{unwound};
    pinfiber::sleep(24h);
  });
  pinfiber::sleep(0);  // g blocks in its sleep
  pinfiber::shutdown();
  pinfiber::shutdown();  // a second request while one is in flight changes nothing
  EXPECT_THROW(g.join(), pinfiber::GreenletExit);
  EXPECT_EQ(unwound, 1);
  EXPECT_TRUE(g.ready());
  // The request is over: the next blocking call of main is not interrupted.
  pinfiber::sleep(1s);
  EXPECT_EQ(elapsed(), 1s);
}

// The daemon whose main has nothing left to do but wait for a signal: sleep(forever) would get
// LoopExit (a handler does not keep the hub alive, as in gevent), pause() waits to be killed.
TEST_F(SignalTest, PauseWaitsForAShutdownFromASignalHandler) {
  pinfiber::SignalHandler h(SIGUSR2, pinfiber::shutdown);
  // Another process's kill, as a supervisor sends it: whether it lands before or after main pauses,
  // main ends the same way.
  std::thread supervisor([] { ::kill(::getpid(), SIGUSR2); });
  EXPECT_THROW(pinfiber::pause(), pinfiber::GreenletExit);
  supervisor.join();
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);
}
