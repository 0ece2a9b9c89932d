// More edges than the kernel's event queue holds, with nobody reading: the kernel drops some, and the
// line reports the gap (lost_before, lost_count) at the place it happened instead of a silently
// shortened history, and ends on the line's real level (issue 15 item 8). uAPI v1 (libgpiod 1.6)
// keeps the oldest 16 events and says nothing, so pinfiber re-reads the level after a full read and
// reports a differing one as a synthetic event; uAPI v2 keeps the newest and numbers them.

#include <gmock/gmock.h>

#include <vector>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelLostEventsTest = KernelGpioTest;

TEST_F(KernelLostEventsTest, AnOverflowingKernelQueueIsReportedWhereItHappened) {
  InputLine line = chip().request_input(19, {.edge = Edge::both});  // pulled down: low
  // 41 changes (far more than the 16 a one-line request queues) end high. Whichever events the
  // kernel kept, what is delivered ends on that level; one more change, read after the overflow,
  // ends low.
  for (int i = 0; i < 41; ++i) sim().drive(19, i % 2 == 0);
  pinfiber::sleep(kQuiet);
  std::vector<EdgeEvent> got;
  while (auto e = line.wait_edge(Edge::both, kQuiet)) got.push_back(*e);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back().edge, Edge::rising) << "the events end on a level the line does not have";
  EXPECT_TRUE(line.get());
  sim().drive_low(19);
  while (auto e = line.wait_edge(Edge::both, kQuiet)) got.push_back(*e);

  ASSERT_GE(got.size(), 2u);
  ASSERT_LT(got.size(), 42u) << "the kernel queued every event: no overflow happened";
  EXPECT_EQ(got.back().edge, Edge::falling);
  EXPECT_FALSE(line.get());
  EXPECT_EQ(line.lost_count(), 1u);
  // Exactly one event says that something was lost before it; everywhere else the history
  // alternates as the line did.
  std::size_t flagged = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].lost_before) {
      ++flagged;
      continue;
    }
    if (i > 0) {
      EXPECT_NE(got[i].edge, got[i - 1].edge) << "event " << i << " follows a gap nobody reported";
      EXPECT_LT(got[i - 1].timestamp_ns, got[i].timestamp_ns);
    }
  }
  EXPECT_EQ(flagged, 1u);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
