// Software debounce: one event per real change, the final state equal to the real level.

#include <gmock/gmock.h>

#include <vector>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using DebounceTest = GpioTest;
using E = std::pair<Edge, Duration>;

TEST(Debouncer, ReportsOnlyAfterAQuietPeriod) {
  Debouncer d(20ms, false, 4);
  const auto ns = [](Duration t) { return t.count(); };
  d.on_raw({Edge::rising, ns(0ms), 4});
  d.on_raw({Edge::falling, ns(1ms), 4});
  d.on_raw({Edge::rising, ns(2ms), 4});
  EXPECT_EQ(d.deadline(), TimePoint(22ms));
  EXPECT_FALSE(d.due(TimePoint(21ms)));
  EXPECT_TRUE(d.due(TimePoint(22ms)));
  auto ev = d.settle(true);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  EXPECT_EQ(ev->timestamp_ns, ns(2ms));
  EXPECT_EQ(d.deadline(), TimePoint::max());
  d.on_raw({Edge::falling, ns(30ms), 4});
  EXPECT_EQ(d.settle(true), std::nullopt);  // a glitch that came back: nothing to report
  EXPECT_TRUE(d.stable_level());
}

TEST_F(DebounceTest, BouncingPressAndReleaseGiveOneEventEach) {
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 20ms});
  std::vector<E> log;
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(e.edge, at(e)); });
  pin(22).bounce(true, 5, 1ms);  // press: 11 raw edges over 10 ms
  pinfiber::sleep(100ms);
  pin(22).bounce(false, 4, 2ms);  // release: 9 raw edges over 16 ms
  pinfiber::sleep(100ms);
  EXPECT_THAT(log, ElementsAre(E{Edge::rising, 10ms}, E{Edge::falling, 126ms}));
  EXPECT_EQ(in.get(), false);
}

TEST_F(DebounceTest, EventIsReportedWhenTheLineHasBeenStableForThePeriod) {
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 20ms});
  auto finger = pinfiber::spawn([&] { pin(22).bounce(true, 3, 1ms); });
  auto ev = in.wait_edge(Edge::rising);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 6ms);         // the last bounce
  EXPECT_EQ(since_start(), 26ms);  // reported once stable for 20 ms
  finger.join();
}

TEST_F(DebounceTest, ShortGlitchIsIgnored) {
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 20ms});
  std::vector<E> log;
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(e.edge, at(e)); });
  pin(22).pulse(5ms);  // shorter than the period: no change of the stable level
  pinfiber::sleep(50ms);
  EXPECT_TRUE(log.empty());
}

TEST_F(DebounceTest, ReleaseWithinThePeriodIsNotLost) {
  // RPi.GPIO's bouncetime would report the press and swallow a release 15 ms later; here the final
  // state always matches the line.
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 10ms});
  std::vector<E> log;
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(e.edge, at(e)); });
  pin(22).drive_high();
  pinfiber::sleep(15ms);
  pin(22).drive_low();
  pinfiber::sleep(50ms);
  EXPECT_THAT(log, ElementsAre(E{Edge::rising, 0ms}, E{Edge::falling, 15ms}));
}

TEST_F(DebounceTest, FinalStateMatchesTheLineEvenWhenRawEdgesWereLost) {
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 20ms});
  // Nobody reads while 41 raw edges happen: the 16-event queue overflows.
  for (int i = 0; i < 20; ++i) {
    pin(22).drive_high();
    pin(22).drive_low();
  }
  pin(22).drive_high();
  auto ev = in.wait_edge(Edge::both, 1s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  EXPECT_TRUE(ev->lost_before);
  EXPECT_GE(in.lost_count(), 1u);
  EXPECT_EQ(in.wait_edge(Edge::both, 100ms), std::nullopt);
}

TEST_F(DebounceTest, AFullReadWithNothingLostIsNotReportedAsALoss) {
  // 16 raw edges read at once fill the v1 read exactly: a possible overflow, but the level says
  // nothing was lost, so the debounced edge that follows is not flagged.
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 20ms});
  std::vector<EdgeEvent> got;
  in.on_edge([&](const EdgeEvent& e) { got.push_back(e); });
  for (int i = 0; i < 8; ++i) {
    pin(22).drive_high();
    pin(22).drive_low();
  }
  pinfiber::sleep(5ms);
  pin(22).drive_high();
  pinfiber::sleep(50ms);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].edge, Edge::rising);
  EXPECT_EQ(at(got[0]), 5ms);
  EXPECT_FALSE(got[0].lost_before);
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(DebounceTest, RequestedEdgeStillFiltersDebouncedEvents) {
  auto in = chip().request_input(22, {.edge = Edge::falling, .debounce = 5ms});
  std::vector<E> log;
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(e.edge, at(e)); });
  pin(22).bounce(true, 2, 1ms);
  pinfiber::sleep(20ms);
  pin(22).bounce(false, 2, 1ms);
  pinfiber::sleep(20ms);
  EXPECT_THAT(log, ElementsAre(E{Edge::falling, 28ms}));
}

}  // namespace
}  // namespace pinfiber::gpio::testing
