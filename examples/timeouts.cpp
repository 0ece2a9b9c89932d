// Story 4: timeouts.
//
// A Timeout covers a block of code, or every later wait of the greenlet that started it, and can
// raise an exception of the caller's choosing. joinall(), join() and get() take timeouts too.
// Elapsed times are read from the hub's clock (exact with --paused-clock, as the checked-output test
// runs it). A per-call timeout (join, get) is an operation's TimeoutError, not the scoped Timeout.

#include <pinfiber/pinfiber.hpp>

#include <chrono>
#include <cstdio>

#include "paused_clock.hpp"

using namespace std::chrono_literals;

namespace {

struct TooLong {};

const pinfiber::TimePoint start = pinfiber::Clock::now();

void say(const char* what) {
  const double t = std::chrono::duration<double>(pinfiber::Clock::now() - start).count();
  std::printf("%-38s at %.1f s\n", what, t);
}

void wait() { pinfiber::sleep(2s); }

}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  // with Timeout(1): sleep(10)
  try {
    pinfiber::Timeout t(1s);
    pinfiber::sleep(10s);
  } catch (const pinfiber::Timeout&) {
    say("block timed out");
  }

  // A custom exception: with Timeout(5, TooLong): sleep(10)
  try {
    pinfiber::Timeout t(5s, TooLong{});
    pinfiber::sleep(10s);
  } catch (const TooLong&) {
    say("TooLong raised");
  }

  // A timeout started in a greenlet covers its later waits, whatever they are.
  auto worker = pinfiber::spawn([] {
    pinfiber::Timeout t(3s);
    int naps = 0;
    try {
      for (;;) {
        wait();
        ++naps;
      }
    } catch (const pinfiber::Timeout&) {
      return naps;
    }
  });
  std::printf("worker finished %d nap(s) before its timeout\n", worker.get());
  say("worker done");

  // Timeouts on join, get and joinall.
  auto thread1 = pinfiber::spawn(wait);
  if (!thread1.join(1s)) say("thread 1 timed out");
  auto thread2 = pinfiber::spawn(wait);
  try {
    thread2.get(1s);
  } catch (const pinfiber::TimeoutError&) {
    say("thread 2 timed out");
  }
  auto slow = pinfiber::spawn([] { pinfiber::sleep(10s); });
  auto done = pinfiber::joinall({thread1, thread2, slow}, 1500ms);
  std::printf("joinall: %zu of 3 finished in time\n", done.size());
  slow.kill();
  say("end");
}
