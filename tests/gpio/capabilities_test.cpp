// Backend capabilities: the common code uses what a backend does itself (kernel debounce, sequence
// numbers, event clocks) and fills in only what it lacks. Run on the mock switched to uAPI v2's
// capabilities, beside the default (v1-like) mock that the other gpio tests use.

#include <gmock/gmock.h>

#include <vector>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using E = std::pair<Edge, Duration>;

constexpr Capabilities kUapiV2{
    .kernel_debounce = true, .sequence_numbers = true, .multi_line = true, .realtime_clock = true, .hte_clock = false};

class V2MockTest : public GpioTest {
 protected:
  void SetUp() override {
    GpioTest::SetUp();
    mock_.set_capabilities(kUapiV2);
  }
};

TEST_F(GpioTest, DefaultMockHasTheCapabilitiesOfUapiV1) {
  const Capabilities c = chip().capabilities();
  EXPECT_FALSE(c.kernel_debounce);
  EXPECT_FALSE(c.sequence_numbers);
  EXPECT_TRUE(c.multi_line);
  EXPECT_FALSE(c.realtime_clock);
  EXPECT_FALSE(c.hte_clock);
}

TEST_F(V2MockTest, KernelDebounceReportsWhenTheLevelSettledAndStampsThatMoment) {
  EXPECT_EQ(chip().capabilities(), kUapiV2);
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 10ms});
  std::vector<E> log;
  std::vector<std::uint64_t> seqnos;
  in.on_edge([&](const EdgeEvent& e) {
    log.emplace_back(e.edge, at(e));
    seqnos.push_back(e.seqno);
  });
  pin(22).bounce(true, 3, 1ms);  // raw changes 0..6 ms, then high
  pinfiber::sleep(30ms);
  pin(22).bounce(false, 2, 1ms);  // raw changes 36..40 ms, then low
  pinfiber::sleep(30ms);
  // The backend's debouncer stamps an event when it emits it, 10 ms after the last raw change;
  // pinfiber's software debouncer would have stamped the last bounce (6 ms, 40 ms).
  EXPECT_THAT(log, ElementsAre(E{Edge::rising, 16ms}, E{Edge::falling, 50ms}));
  EXPECT_THAT(seqnos, ElementsAre(1u, 2u));
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(V2MockTest, KernelDebouncedLineReadsTheDebouncedLevel) {
  auto in = chip().request_input(22, {.edge = Edge::both, .debounce = 10ms});
  auto finger = pinfiber::spawn([&] { pin(22).bounce(true, 3, 1ms); });
  pinfiber::sleep(3ms);
  EXPECT_TRUE(pin(22).level());  // raw: high since 2 ms, bouncing
  EXPECT_FALSE(in.get());        // debounced: still the settled low
  finger.join();
  pinfiber::sleep(9ms);  // 15 ms: 9 ms after the last bounce
  EXPECT_FALSE(in.get());
  pinfiber::sleep(1ms);
  EXPECT_TRUE(in.get());
  auto ev = in.wait_edge(Edge::rising, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(at(*ev), 16ms);
}

TEST_F(V2MockTest, KernelDebounceStillFiltersTheRequestedEdge) {
  auto in = chip().request_input(22, {.edge = Edge::falling, .debounce = 5ms});
  std::vector<E> log;
  in.on_edge([&](const EdgeEvent& e) { log.emplace_back(e.edge, at(e)); });
  pin(22).bounce(true, 2, 1ms);
  pinfiber::sleep(20ms);
  pin(22).bounce(false, 2, 1ms);
  pinfiber::sleep(20ms);
  EXPECT_THAT(log, ElementsAre(E{Edge::falling, 33ms}));
}

TEST_F(V2MockTest, ButtonOnKernelDebounce) {
  Button button(chip(), 4, {.bounce = 20ms});  // pull-up: pressed = low
  std::vector<Duration> presses;
  button.when_pressed([&] { presses.push_back(since_start()); });
  pin(4).bounce(false, 5, 1ms);
  pinfiber::sleep(50ms);
  EXPECT_THAT(presses, ElementsAre(30ms));
  EXPECT_TRUE(button.is_pressed());
  EXPECT_EQ(button.press_count(), 1u);
}

TEST_F(V2MockTest, SequenceNumbersCountLostEventsExactly) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  for (int i = 0; i < 10; ++i) {  // 20 edges, nobody reading: the 16-event queue drops the oldest 4
    pin(22).drive_high();
    pin(22).drive_low();
  }
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 16u);
  EXPECT_EQ(got[0].seqno, 5u);
  EXPECT_TRUE(got[0].lost_before);
  EXPECT_EQ(got[0].edge, Edge::rising);  // events 1-4 (rise, fall, rise, fall) were dropped
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seqno, got[i - 1].seqno + 1);
    EXPECT_FALSE(got[i].lost_before);
  }
  EXPECT_EQ(in.lost_count(), 1u);
  EXPECT_EQ(in.lost_events(), 4u);
  pin(22).drive_high();
  auto after = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->seqno, 21u);
  EXPECT_FALSE(after->lost_before);
}

TEST_F(V2MockTest, SameEdgeTwiceIsNotALossWhenEventsAreNumbered) {
  // A rising-only line gives rising edges in a row; so does a both-edges line whose falling edge
  // went missing. With sequence numbers only a gap counts, never the edge kinds.
  auto in = chip().request_input(22, {.edge = Edge::rising});
  for (int i = 0; i < 3; ++i) {
    pin(22).drive_high();
    pin(22).drive_low();
  }
  std::vector<EdgeEvent> got;
  while (auto ev = in.wait_edge(Edge::both, 0ms)) got.push_back(*ev);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].seqno, 3u);
  EXPECT_EQ(in.lost_count(), 0u);
}

TEST_F(GpioTest, EventsAreNotNumberedWithoutTheCapability) {
  auto in = chip().request_input(22, {.edge = Edge::both});
  pin(22).drive_high();
  auto ev = in.wait_edge(Edge::both, 0ms);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->seqno, 0u);
}

TEST_F(V2MockTest, RealtimeClockStampsWallClockTime) {
  auto mono = chip().request_input(22, {.edge = Edge::both});
  auto real = chip().request_input(23, {.edge = Edge::both, .clock = EventClock::realtime});
  pinfiber::sleep(5ms);
  pin(22).drive_high();
  pin(23).drive_high();
  auto a = mono.wait_edge(Edge::rising, 0ms);
  auto b = real.wait_edge(Edge::rising, 0ms);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(at(*a), 5ms);  // the hub's clock
  // CLOCK_REALTIME is decades past CLOCK_MONOTONIC's zero (boot): more than 2001-09-09 (1e9 s)
  // minus any uptime this machine can have.
  EXPECT_GT(b->timestamp_ns - a->timestamp_ns, std::int64_t{900'000'000} * 1'000'000'000);
  pinfiber::sleep(7ms);
  pin(22).drive_low();
  pin(23).drive_low();
  auto a2 = mono.wait_edge(Edge::falling, 0ms);
  auto b2 = real.wait_edge(Edge::falling, 0ms);
  ASSERT_TRUE(a2 && b2);
  EXPECT_EQ(b2->timestamp_ns - b->timestamp_ns, Duration(7ms).count());  // same clock rate, same request offset
}

TEST_F(GpioTest, EventClockTheBackendLacksIsRefusedByName) {
  try {
    chip().request_input(22, {.edge = Edge::both, .clock = EventClock::realtime});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::operation_not_supported);
    EXPECT_STREQ(e.what(),
                 "request line 22 on gpiochip0: Operation not supported (the 'mock' backend has no realtime event "
                 "clock; libgpiod 2 has)");
  }
  EXPECT_FALSE(pin(22).requested());
  mock_.set_capabilities({.multi_line = true, .realtime_clock = true});
  try {
    chip().request_input(22, {.edge = Edge::both, .debounce = 5ms, .clock = EventClock::realtime});
    FAIL();
  } catch (const GpioError& e) {
    EXPECT_EQ(e.code(), std::errc::invalid_argument);
    EXPECT_THAT(e.what(), HasSubstr("software debounce needs the monotonic event clock, not realtime"));
  }
  EXPECT_NO_THROW(chip().request_input(22, {.edge = Edge::both, .clock = EventClock::realtime}));
  EXPECT_THROW(chip().request_input(23, {.edge = Edge::both, .clock = EventClock::hte}), GpioError);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
