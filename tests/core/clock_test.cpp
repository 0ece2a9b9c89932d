// The test clock: paused time jumps to the next deadline; real time sleeps in epoll_wait.

#include <string>
#include <thread>
#include <vector>

#include "core/hub_fixture.hpp"

using namespace std::chrono_literals;
using pinfiber::spawn;

class ClockTest : public HubTest {};

TEST_F(ClockTest, PausedClockJumpsExactlyToDeadlines) {
  std::vector<pinfiber::Duration> woke;
  auto a = spawn([&] {
    pinfiber::sleep(3s);
    woke.push_back(elapsed());
  });
  auto b = spawn([&] {
    pinfiber::sleep(1500ms);
    woke.push_back(elapsed());
  });
  pinfiber::joinall({a, b});
  EXPECT_EQ(woke, (std::vector<pinfiber::Duration>{1500ms, 3s}));
  EXPECT_EQ(elapsed(), 3s);
}

TEST_F(ClockTest, EqualDeadlinesFireInTheOrderTheyWereArmed) {
  std::string out;
  std::vector<pinfiber::GreenletBase> gs;
  for (char c : std::string("xyz")) {
    gs.push_back(spawn([&out, c] {
      pinfiber::sleep(1s);
      out += c;
    }));
  }
  pinfiber::joinall(gs);
  EXPECT_EQ(out, "xyz");
}

TEST_F(ClockTest, AdvanceFiresWhatFellDue) {
  bool woke = false;
  auto g = spawn([&] {
    pinfiber::sleep(5s);
    woke = true;
  });
  pinfiber::sleep(0);
  pinfiber::hub().advance_clock(4s);
  pinfiber::sleep(0);
  EXPECT_FALSE(woke);
  pinfiber::hub().advance_clock(1s);
  g.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(elapsed(), 5s);
}

TEST_F(ClockTest, AdvanceNeedsAPausedClock) {
  pinfiber::hub().resume_clock();
  EXPECT_THROW(pinfiber::hub().advance_clock(1s), pinfiber::Error);
}

TEST_F(ClockTest, ResumedClockContinuesFromThePausedValue) {
  pinfiber::sleep(100s);
  const auto paused_at = pinfiber::Clock::now();
  pinfiber::hub().resume_clock();
  EXPECT_GE(pinfiber::Clock::now(), paused_at);
  EXPECT_LT(pinfiber::Clock::now() - paused_at, 10s);
}

TEST_F(ClockTest, SleepInSeconds) {
  pinfiber::sleep(0.25);
  EXPECT_EQ(elapsed(), 250ms);
}

TEST_F(ClockTest, RealTimeSleepWaitsAtLeastTheDuration) {
  pinfiber::hub().resume_clock();
  const auto t0 = std::chrono::steady_clock::now();
  pinfiber::sleep(20ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 20ms);
}

// An idle hub sleeps in epoll_wait: while main sleeps 200 ms in real time the loop polls only a
// handful of times (libev may wake a little early and re-arm), never once per millisecond.
TEST_F(ClockTest, IdleHubDoesNotSpin) {
  pinfiber::hub().resume_clock();
  const auto before = pinfiber::hub().loop_iterations();
  pinfiber::sleep(200ms);
  EXPECT_LE(pinfiber::hub().loop_iterations() - before, 4u);
}

TEST_F(ClockTest, IdleHubWakesForAPostFromAnotherThread) {
  pinfiber::hub().resume_clock();
  auto& hub = pinfiber::hub();
  auto waiter = spawn([] { pinfiber::detail::park_until({"post"}, pinfiber::TimePoint::max()); });
  pinfiber::sleep(0);
  hub.hold();
  const auto before = hub.loop_iterations();
  std::thread t([&hub, f = waiter.fiber()] {
    std::this_thread::sleep_for(50ms);  // the hub is meant to be asleep meanwhile, not polling
    hub.post([f] { pinfiber::detail::wake(f); });
    hub.unhold();
  });
  waiter.join();
  t.join();
  EXPECT_LE(hub.loop_iterations() - before, 3u);
}
