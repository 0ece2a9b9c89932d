// What the build's libgpiod backend does itself (Chip::capabilities), on the real kernel: lines
// requested together, debounce (by the kernel on libgpiod 2, by pinfiber on 1.6), lost events counted
// from the kernel's sequence numbers, and the event clock. Where the backends differ, each test
// asserts what this build's backend promises.

#include <gmock/gmock.h>

#include <vector>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using KernelCapabilitiesTest = KernelGpioTest;

std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TEST_F(KernelCapabilitiesTest, AGroupOfLinesIsSetAndReadInOneCall) {
  EXPECT_TRUE(chip().capabilities().multi_line);
  LineGroup leds = chip().request_outputs({17, 27, 22}, {.consumer = "leds"}, {true, false, true});
  EXPECT_TRUE(sim().level(17));
  EXPECT_FALSE(sim().level(27));
  EXPECT_TRUE(sim().level(22));
  EXPECT_EQ(chip().line_info(27).consumer, "leds");
  leds.set_values({false, true, false});
  EXPECT_FALSE(sim().level(17));
  EXPECT_TRUE(sim().level(27));
  EXPECT_FALSE(sim().level(22));
  leds.set(22, true);  // the others keep their values
  EXPECT_FALSE(sim().level(17));
  EXPECT_TRUE(sim().level(27));
  EXPECT_TRUE(sim().level(22));
  EXPECT_THAT(leds.get_values(), ElementsAre(false, true, true));

  // BCM 5 and 6 are pulled up, 13 down (the fixture's reset state); active-low inverts all three.
  LineGroup dip = chip().request_inputs({5, 6, 13}, {.active_low = true});
  EXPECT_THAT(dip.get_values(), ElementsAre(false, false, true));
  sim().drive_low(6);
  EXPECT_THAT(dip.get_values(), ElementsAre(false, true, true));
  leds.release();
  EXPECT_FALSE(chip().line_info(27).used);
}

TEST_F(KernelCapabilitiesTest, ABouncingContactIsOneEventStampedAsTheBackendSays) {
  // Five changes written back to back, well inside the period (see ABouncingPressIsOnePress).
  constexpr Duration kPeriod = 300ms;
  InputLine line = chip().request_input(22, {.edge = Edge::both, .debounce = kPeriod});
  const std::int64_t t0 = monotonic_ns();
  for (bool high : {true, false, true, false, true}) sim().drive(22, high);
  const std::int64_t t_last = monotonic_ns();
  auto e = line.wait_edge(Edge::both, kEventDue);
  const std::int64_t t_got = monotonic_ns();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->edge, Edge::rising);
  EXPECT_TRUE(line.get());
  if (chip().capabilities().kernel_debounce) {
    // libgpiod 2: the kernel's debouncer emits the event, stamped then: a whole quiet period after
    // the last bounce, which came after t0.
    EXPECT_GE(e->timestamp_ns, t0 + kPeriod.count());
    EXPECT_EQ(e->seqno, 1u);
  } else {
    // libgpiod 1.6: pinfiber's debouncer reports the last raw edge's stamp, a period later.
    EXPECT_LE(e->timestamp_ns, t_last);
    EXPECT_GE(t_got - e->timestamp_ns, kPeriod.count());
  }
  EXPECT_FALSE(line.wait_edge(Edge::both, kQuiet)) << "one event for the whole bounce";
}

TEST_F(KernelCapabilitiesTest, SequenceNumbersCountWhatTheKernelDropped) {
  if (!chip().capabilities().sequence_numbers)
    GTEST_SKIP() << "libgpiod 1.6 has no sequence numbers (KernelLostEventsTest covers the inferred loss)";
  InputLine line = chip().request_input(19, {.edge = Edge::both});  // pulled down: low
  for (int i = 0; i < 41; ++i) sim().drive(19, i % 2 == 0);
  pinfiber::sleep(kQuiet);
  std::vector<EdgeEvent> got;
  while (auto e = line.wait_edge(Edge::both, kQuiet)) got.push_back(*e);
  ASSERT_FALSE(got.empty());
  // The simulator's interrupts may coalesce changes, so how many events the kernel made is its own
  // count: the last event's number. Its queue for one line holds 16 and drops the oldest.
  ASSERT_GT(got.back().seqno, 16u) << "no overflow happened";
  ASSERT_EQ(got.size(), 16u);
  EXPECT_TRUE(got.front().lost_before);
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seqno, got[i - 1].seqno + 1);
    EXPECT_FALSE(got[i].lost_before);
  }
  EXPECT_EQ(line.lost_count(), 1u);
  EXPECT_EQ(line.lost_events(), got.front().seqno - 1);
  EXPECT_EQ(got.back().edge, line.get() ? Edge::rising : Edge::falling);
}

TEST_F(KernelCapabilitiesTest, TheRealtimeClockStampsWallClockTime) {
  if (!chip().capabilities().realtime_clock) {
    EXPECT_THROW(chip().request_input(22, {.edge = Edge::both, .clock = EventClock::realtime}), GpioError);
    GTEST_SKIP() << "libgpiod 1.6: monotonic timestamps only";
  }
  InputLine line = chip().request_input(22, {.edge = Edge::both, .clock = EventClock::realtime});
  const std::int64_t r0 = realtime_ns();
  sim().drive_high(22);
  auto e = line.wait_edge(Edge::both, kEventDue);
  const std::int64_t r1 = realtime_ns();
  ASSERT_TRUE(e);
  EXPECT_GE(e->timestamp_ns, r0);
  EXPECT_LE(e->timestamp_ns, r1);
}

TEST_F(KernelCapabilitiesTest, HteIsRefusedWithoutATimestampEngine) {
  // Debian's amd64 kernel, like a Pi's, has no hardware timestamp engine for these lines.
  EXPECT_THROW(chip().request_input(24, {.edge = Edge::both, .clock = EventClock::hte}), GpioError);
  EXPECT_FALSE(chip().line_info(24).used);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
