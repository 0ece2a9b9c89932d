// Edges from the real kernel: each level change the simulator makes arrives once, in order, with the
// kernel's CLOCK_MONOTONIC timestamp taken between the write that caused it and its delivery.

#include <gmock/gmock.h>

#include <vector>

#include "kernel_fixture.hpp"
#include "pinfiber/sync.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelEdgeTest = KernelGpioTest;

TEST_F(KernelEdgeTest, EdgesArriveInOrderWithKernelTimestamps) {
  InputLine line = chip().request_input(22, {.edge = Edge::both});  // BCM 22 is pulled down: low
  const std::int64_t t0 = monotonic_ns();
  sim().drive_high(22);
  const std::int64_t t1 = monotonic_ns();
  sim().drive_low(22);
  const std::int64_t t2 = monotonic_ns();
  sim().drive_high(22);

  auto e1 = line.wait_edge(Edge::both, kEventDue);
  auto e2 = line.wait_edge(Edge::both, kEventDue);
  auto e3 = line.wait_edge(Edge::both, kEventDue);
  const std::int64_t t3 = monotonic_ns();
  ASSERT_TRUE(e1 && e2 && e3);
  EXPECT_EQ(e1->edge, Edge::rising);
  EXPECT_EQ(e2->edge, Edge::falling);
  EXPECT_EQ(e3->edge, Edge::rising);
  for (const auto& e : {*e1, *e2, *e3}) {
    EXPECT_EQ(e.offset, 22u);
    EXPECT_FALSE(e.lost_before);
  }
  // Each stamp is later than the write that caused it, and earlier than its delivery.
  EXPECT_GE(e1->timestamp_ns, t0);
  EXPECT_GE(e2->timestamp_ns, t1);
  EXPECT_GE(e3->timestamp_ns, t2);
  EXPECT_LT(e1->timestamp_ns, e2->timestamp_ns);
  EXPECT_LT(e2->timestamp_ns, e3->timestamp_ns);
  EXPECT_LE(e3->timestamp_ns, t3);
  EXPECT_FALSE(line.wait_edge(Edge::both, kQuiet)) << "one event per change";
  EXPECT_TRUE(line.get());
}

TEST_F(KernelEdgeTest, EventsQueueInTheKernelWhileNobodyWaits) {
  InputLine line = chip().request_input(23, {.edge = Edge::both});
  for (int i = 0; i < 3; ++i) {
    sim().drive_high(23);
    sim().drive_low(23);
  }
  pinfiber::sleep(kQuiet);  // the hub runs; nobody reads the line
  std::vector<Edge> got;
  while (auto e = line.wait_edge(Edge::both, kQuiet)) got.push_back(e->edge);
  EXPECT_EQ(got,
            (std::vector<Edge>{Edge::rising, Edge::falling, Edge::rising, Edge::falling, Edge::rising, Edge::falling}));
  EXPECT_EQ(line.lost_count(), 0u);
}

TEST_F(KernelEdgeTest, WaitingForOneKindSkipsQueuedEventsOfTheOther) {
  InputLine line = chip().request_input(24, {.edge = Edge::both});
  sim().drive_high(24);
  sim().drive_low(24);
  sim().drive_high(24);
  auto falling = line.wait_edge(Edge::falling, kEventDue);
  ASSERT_TRUE(falling);
  EXPECT_EQ(falling->edge, Edge::falling);
  auto next = line.wait_edge(Edge::both, kEventDue);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->edge, Edge::rising);
  EXPECT_GT(next->timestamp_ns, falling->timestamp_ns);
}

TEST_F(KernelEdgeTest, ARisingOnlyRequestGetsNoFallingEdges) {
  InputLine line = chip().request_input(25, {.edge = Edge::rising});
  sim().drive_high(25);
  sim().drive_low(25);
  sim().drive_high(25);
  std::vector<Edge> got;
  while (auto e = line.wait_edge(Edge::both, kQuiet)) got.push_back(e->edge);
  EXPECT_EQ(got, (std::vector<Edge>{Edge::rising, Edge::rising}));
}

TEST_F(KernelEdgeTest, AWaitWithNothingHappeningTimesOut) {
  InputLine line = chip().request_input(26, {.edge = Edge::both});
  EXPECT_FALSE(line.wait_edge(Edge::both, kQuiet));
  EXPECT_FALSE(line.get());
}

TEST_F(KernelEdgeTest, AParkedGreenletWakesOnTheKernelsEvent) {
  InputLine line = chip().request_input(27, {.edge = Edge::both});
  auto waiter = pinfiber::spawn([&] { return line.wait_edge(Edge::rising, kEventDue); });
  pinfiber::sleep(0);  // the waiter parks on the line's fd
  ASSERT_FALSE(waiter.ready());
  const std::int64_t before = monotonic_ns();
  sim().drive_high(27);
  auto ev = waiter.get();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->edge, Edge::rising);
  EXPECT_GE(ev->timestamp_ns, before);
}

TEST_F(KernelEdgeTest, HandlersRunForEachEdgeInOrder) {
  InputLine line = chip().request_input(5, {.edge = Edge::both});  // BCM 5 is pulled up: high
  std::vector<std::pair<Edge, std::int64_t>> seen;
  pinfiber::Event all_seen;
  auto record = [&](const EdgeEvent& e) {
    seen.emplace_back(e.edge, e.timestamp_ns);
    if (seen.size() == 4) all_seen.set();
  };
  line.on_rising(record);
  line.on_falling(record);
  sim().drive_low(5);
  sim().drive_high(5);
  sim().drive_low(5);
  sim().drive_high(5);
  ASSERT_TRUE(all_seen.wait(kEventDue)) << seen.size() << " of 4 edges";
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    edges.push_back(seen[i].first);
    if (i > 0) {
      EXPECT_LT(seen[i - 1].second, seen[i].second);
    }
  }
  EXPECT_EQ(edges, (std::vector<Edge>{Edge::falling, Edge::rising, Edge::falling, Edge::rising}));
  line.release();
}

}  // namespace
}  // namespace pinfiber::gpio::testing
