// every(): runs on the grid laid at its start whatever fn's run time, skips (and counts) ticks that
// could not run on time instead of running them back to back, stops when killed. All on the paused
// clock, so every time below is exact.

#include <pinfiber/core.hpp>
#include <pinfiber/testing.hpp>

#include <stdexcept>
#include <vector>

using namespace std::chrono_literals;

namespace {
struct TickRun {
  std::uint64_t number;
  pinfiber::Duration at;
  std::uint64_t missed;
  bool operator==(const TickRun&) const = default;
};
}  // namespace

class EveryTest : public pinfiber::testing::HubTest {};

TEST_F(EveryTest, TicksStayOnTheGridWhateverTheCallbackTakes) {
  std::vector<TickRun> runs;
  auto g = pinfiber::every(1s, [&](const pinfiber::Tick& t) {
    runs.push_back({t.number, elapsed(), t.missed});
    EXPECT_EQ(t.scheduled - start_, std::chrono::seconds(t.number));
    pinfiber::sleep(300ms);  // a sleep-based loop would drift by this much each time
  });
  pinfiber::sleep(3500ms);
  g.kill();
  EXPECT_EQ(runs, (std::vector<TickRun>{{1, 1s, 0}, {2, 2s, 0}, {3, 3s, 0}}));
}

TEST_F(EveryTest, AnOverrunSkipsTheTicksItCoveredAndCountsThem) {
  std::vector<TickRun> runs;
  auto g = pinfiber::every(1s, [&](const pinfiber::Tick& t) {
    runs.push_back({t.number, elapsed(), t.missed});
    if (t.number == 1) pinfiber::sleep(2500ms);  // runs until 3.5 s: ticks 2 and 3 come and go
  });
  pinfiber::sleep(5500ms);
  g.kill();
  // Tick 3 runs once, late, for the latest tick whose time had come (tick 2 is counted as missed);
  // then it is back on the grid: no burst of catch-up runs.
  EXPECT_EQ(runs, (std::vector<TickRun>{{1, 1s, 0}, {3, 3500ms, 1}, {4, 4s, 0}, {5, 5s, 0}}));
}

TEST_F(EveryTest, NowRunsTickZeroAtOnceAndACallbackWithoutTickWorks) {
  std::vector<pinfiber::Duration> at;
  auto g = pinfiber::every(250ms, [&] { at.push_back(elapsed()); }, {.name = "quick", .now = true});
  EXPECT_EQ(g.fiber()->name(), "quick");
  pinfiber::sleep(600ms);
  g.kill();
  EXPECT_EQ(at, (std::vector<pinfiber::Duration>{0ms, 250ms, 500ms}));
}

TEST_F(EveryTest, AnExceptionEndsItAndIsReported) {
  expect_failures();
  int runs = 0;
  auto g = pinfiber::every(1s, [&] {
    if (++runs == 2) throw std::runtime_error("sensor gone");
  });
  g.join();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(elapsed(), 2s);
  EXPECT_EQ(failures(), 1);
  EXPECT_THROW(pinfiber::every(0s, [] {}), pinfiber::Error);
}
