// The mock pin's history: gpiozero's assert_states_and_times in one call, and a bounded history.

#include <gmock/gmock.h>

#include <string>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using pinfiber::testing::states;
using pinfiber::testing::states_and_times;
using ::testing::HasSubstr;
using MockHistoryTest = GpioTest;

TEST_F(MockHistoryTest, StatesAndTimesInOneCall) {
  Led led(chip(), 17);
  pinfiber::sleep(50ms);
  led.blink(100ms, 200ms, 2);
  pinfiber::sleep(1s);
  EXPECT_TRUE(states_and_times(pin(17), {{50ms, true}, {100ms, false}, {200ms, true}, {100ms, false}}));
  EXPECT_TRUE(states(pin(17), {true, false, true, false}));
}

TEST_F(MockHistoryTest, MismatchesSayWhatDiffersAndShowTheHistory) {
  Led led(chip(), 17);
  led.blink(100ms, 200ms, 1);
  pinfiber::sleep(1s);
  const auto late = states_and_times(pin(17), {{0ms, true}, {120ms, false}});
  EXPECT_FALSE(late);
  EXPECT_THAT(late.message(), HasSubstr("change 2: expected low +120.000 ms, recorded low +100.000 ms"));
  EXPECT_THAT(late.message(), HasSubstr("history of pin 17: +0.000 ms high; +100.000 ms low;"));
  EXPECT_TRUE(states_and_times(pin(17), {{0ms, true}, {120ms, false}}, 20ms));  // within a tolerance
  EXPECT_FALSE(states_and_times(pin(17), {{0ms, true}, {120ms, false}}, 19ms));
  const auto level = states_and_times(pin(17), {{0ms, false}, {100ms, true}});
  EXPECT_THAT(level.message(), HasSubstr("change 1: expected low"));
  EXPECT_THAT(states_and_times(pin(17), {{0ms, true}}).message(), HasSubstr("1 changes expected, 2 recorded"));
  EXPECT_FALSE(states(pin(17), {true}));
}

TEST_F(MockHistoryTest, ClearHistoryRestartsTheTimes) {
  pinfiber::sleep(300ms);
  pin(22).clear_history();
  pinfiber::sleep(25ms);
  pin(22).drive_high();
  EXPECT_TRUE(states_and_times(pin(22), {{25ms, true}}));
}

TEST_F(MockHistoryTest, HistoryIsBoundedDroppingTheOldest) {
  // Issue 15 item 8: a million edges kept a million entries (+32 MB). Now the newest 10,000.
  MockPin& p = pin(22);
  EXPECT_EQ(p.history_capacity(), MockPin::kHistoryCapacity);
  for (int i = 0; i < 1'000'000; ++i) p.drive(i % 2 == 0);
  EXPECT_EQ(p.history().size(), MockPin::kHistoryCapacity);
  EXPECT_EQ(p.history_dropped(), 1'000'000u - MockPin::kHistoryCapacity);
  EXPECT_FALSE(p.history().back().level);  // the newest are kept: the last drive was low
  // Times of what is kept still count from the change before it.
  p.set_history_capacity(2);
  EXPECT_EQ(p.history().size(), 2u);
  EXPECT_TRUE(states_and_times(p, {{0ms, true}, {0ms, false}}));
  EXPECT_EQ(p.history_dropped(), 1'000'000u - 2);
  p.clear_history();
  EXPECT_EQ(p.history_dropped(), 0u);
}

TEST_F(MockHistoryTest, OverflowingEventQueueAndHistoryStayBoundedOnARequestedLine) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  pin(22).set_history_capacity(100);
  for (int i = 0; i < 100'001; ++i) pin(22).drive(i % 2 == 0);  // ends high
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 17u);  // the kernel's 16, then the level re-read: high
  EXPECT_TRUE(got.back().synthetic);
  EXPECT_EQ(got.back().edge, Edge::rising);
  EXPECT_EQ(pin(22).history().size(), 100u);
  EXPECT_EQ(in.lost_count(), 1u);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
