// ThreadPool: blocking work on threads, results and exceptions back in the greenlet, the hub
// responsive meanwhile. Real clock: the workers sleep for real.

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io/io_fixture.hpp"

using namespace std::chrono_literals;

class ThreadPoolTest : public RealIoTest {};

TEST_F(ThreadPoolTest, ReturnsTheValueAndKeepsTheHubRunning) {
  pinfiber::ThreadPool pool(2);
  int ticks = 0;
  auto ticker = pinfiber::spawn([&] {
    for (;;) {
      pinfiber::sleep(10ms);
      ++ticks;
    }
  });
  const int v = pool.run([] {
    std::this_thread::sleep_for(200ms);  // blocks the worker, not the hub
    return 42;
  });
  EXPECT_EQ(v, 42);
  EXPECT_GE(ticks, 10);
  ticker.kill();
}

TEST_F(ThreadPoolTest, ExceptionsComeBack) {
  pinfiber::ThreadPool pool(1);
  EXPECT_THROW(pool.run([]() -> int { throw std::runtime_error("db down"); }), std::runtime_error);
  pool.run([] {});  // void works too
}

TEST_F(ThreadPoolTest, WorkersAreBounded) {
  pinfiber::ThreadPool pool(2);
  std::atomic<int> running{0}, peak{0};
  std::vector<pinfiber::Greenlet<void>> calls;
  for (int i = 0; i < 6; ++i) {
    calls.push_back(pinfiber::spawn([&] {
      pool.run([&] {
        int now = ++running;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::this_thread::sleep_for(30ms);
        --running;
      });
    }));
  }
  const auto t0 = pinfiber::Clock::now();
  pinfiber::joinall(calls);
  EXPECT_EQ(peak.load(), 2);
  EXPECT_GE(pinfiber::Clock::now() - t0, 90ms);  // three rounds of two
}

TEST_F(ThreadPoolTest, AKilledCallerDropsTheResult) {
  pinfiber::ThreadPool pool(1);
  std::atomic<bool> finished{false};
  auto caller = pinfiber::spawn([&] {
    return pool.run([&] {
      std::this_thread::sleep_for(50ms);
      finished = true;
      return 1;
    });
  });
  pinfiber::sleep(10ms);
  caller.kill();
  EXPECT_TRUE(caller.ready());
  // The call still completes on its thread; its late wake-up finds nobody waiting.
  EXPECT_EQ(pool.run([] { return 2; }), 2);
  EXPECT_TRUE(finished.load());
}

// The header's own idiom - run() with [&] under a Timeout: the call goes on on its thread after the
// caller's deadline, and it used to write into the caller's frame after the caller had unwound past it
// (a local set to 7 became 42 in another greenlet's stack). run() now waits for its call before it
// throws the interrupt, so what the call uses by reference is still alive.
TEST_F(ThreadPoolTest, AnInterruptedCallerWaitsForItsCallBeforeUnwinding) {
  pinfiber::ThreadPool pool(1);
  std::atomic<bool> call_done{false};
  bool call_done_at_catch = false;
  int local_at_catch = 0;
  auto caller = pinfiber::spawn([&] {
    int local = 7;
    try {
      pinfiber::Timeout t(10ms);
      pool.run([&] {
        std::this_thread::sleep_for(100ms);
        local = 42;
        call_done = true;
      });
    } catch (const pinfiber::Timeout&) {
      call_done_at_catch = call_done.load();
      local_at_catch = local;
    }
  });
  caller.join();
  EXPECT_TRUE(call_done_at_catch);
  EXPECT_EQ(local_at_catch, 42);
}

// On the paused test clock a call in flight is real work the hub waits for: the clock does not jump
// past it to the next deadline (Hub::inhibit_auto_advance), whatever the load on the machine.
class ThreadPoolOnPausedClock : public IoTest {};

TEST_F(ThreadPoolOnPausedClock, ATimeoutDoesNotFireWhileTheCallRuns) {
  pinfiber::Timeout t(5s);
  const int v = pinfiber::thread_pool().run([] {
    std::this_thread::sleep_for(100ms);  // real time; the hub's paused clock stands still meanwhile
    return 7;
  });
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(t.pending());
  EXPECT_EQ(elapsed(), 0s);
}

TEST_F(ThreadPoolOnPausedClock, TimersRunInOrderAroundACall) {
  std::vector<std::string> log;
  auto sleeper = pinfiber::spawn([&] {
    pinfiber::sleep(1s);
    log.push_back("timer at " + std::to_string(elapsed() / 1ms) + " ms");
  });
  log.push_back("call returned " + std::to_string(pinfiber::thread_pool().run([] {
                  std::this_thread::sleep_for(50ms);
                  return 1;
                })));
  sleeper.join();
  EXPECT_EQ(log, (std::vector<std::string>{"call returned 1", "timer at 1000 ms"}));
}
