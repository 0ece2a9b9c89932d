// What a request asks of the kernel, read back from the simulator's side: bias sets the line's pull,
// active-low inverts levels and edges, outputs drive the line.

#include <gmock/gmock.h>

#include "kernel_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelLineSettingsTest = KernelGpioTest;

TEST_F(KernelLineSettingsTest, InputBiasPullsTheLine) {
  // BCM 5 is pulled up after reset, BCM 22 down; each request turns its pull the other way.
  InputLine down = chip().request_input(5, {.edge = Edge::none, .bias = Bias::pull_down});
  InputLine up = chip().request_input(22, {.edge = Edge::none, .bias = Bias::pull_up});
  EXPECT_EQ(sim().pull(5), "pull-down");
  EXPECT_EQ(sim().pull(22), "pull-up");
  EXPECT_FALSE(down.get());
  EXPECT_TRUE(up.get());
  EXPECT_EQ(chip().line_info(5).bias, Bias::pull_down);
  EXPECT_EQ(chip().line_info(22).bias, Bias::pull_up);
}

TEST_F(KernelLineSettingsTest, ASignalFromOutsideOverridesThePull) {
  // Story 10's wiring: a button to 3V3 on a pulled-down input; pressing it drives the line high.
  InputLine line = chip().request_input(6, {.edge = Edge::both, .bias = Bias::pull_down});
  EXPECT_FALSE(line.get());
  sim().drive_high(6);
  auto e = line.wait_edge(Edge::both, kEventDue);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->edge, Edge::rising);
  EXPECT_TRUE(line.get());
}

TEST_F(KernelLineSettingsTest, ActiveLowInvertsLevelAndEdges) {
  // A button to ground on BCM 4 with its pull-up: pressed = low = active.
  InputLine button = chip().request_input(4, {.edge = Edge::both, .bias = Bias::pull_up, .active_low = true});
  EXPECT_FALSE(button.get());
  EXPECT_TRUE(chip().line_info(4).active_low);
  sim().drive_low(4);
  auto press = button.wait_edge(Edge::both, kEventDue);
  ASSERT_TRUE(press);
  EXPECT_EQ(press->edge, Edge::rising);
  EXPECT_TRUE(button.get());
  sim().drive_high(4);
  auto release = button.wait_edge(Edge::both, kEventDue);
  ASSERT_TRUE(release);
  EXPECT_EQ(release->edge, Edge::falling);
  EXPECT_FALSE(button.get());
}

TEST_F(KernelLineSettingsTest, AnOutputDrivesTheLine) {
  OutputLine led = chip().request_output(17, {.initial_value = true, .consumer = "kernel-test-led"});
  EXPECT_TRUE(sim().level(17));
  led.set(false);
  EXPECT_FALSE(sim().level(17));
  EXPECT_TRUE(led.toggle());
  EXPECT_TRUE(sim().level(17));
  EXPECT_TRUE(led.get());
  const LineInfo info = chip().line_info(17);
  EXPECT_EQ(info.direction, Direction::output);
  EXPECT_TRUE(info.used);
  EXPECT_EQ(info.consumer, "kernel-test-led");
}

TEST_F(KernelLineSettingsTest, AnActiveLowOutputDrivesTheInverse) {
  OutputLine relay = chip().request_output(27, {.initial_value = true, .active_low = true});
  EXPECT_FALSE(sim().level(27));
  relay.set(false);
  EXPECT_TRUE(sim().level(27));
  EXPECT_FALSE(relay.get());
}

TEST_F(KernelLineSettingsTest, AnOutputIgnoresTheOutsidePull) {
  OutputLine out = chip().request_output(16, {.initial_value = true});
  sim().drive_low(16);  // the simulator's pull only matters for inputs
  EXPECT_TRUE(sim().level(16));
  EXPECT_TRUE(out.get());
}

}  // namespace
}  // namespace pinfiber::gpio::testing
