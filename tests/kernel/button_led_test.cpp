// Button and Led on the real kernel: a finger through the simulator's pull, the LED read back from
// the chip.

#include <gmock/gmock.h>

#include "kernel_fixture.hpp"
#include "pinfiber/sync.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelButtonTest = KernelGpioTest;
using KernelLedTest = KernelGpioTest;

TEST_F(KernelButtonTest, PressAndReleaseOfAButtonTo3V3) {
  Button button(chip(), 4, {.pull_up = false});  // story 10's wiring: pressed = high
  EXPECT_EQ(sim().pull(4), "pull-down");         // the Button's request set the pull
  EXPECT_FALSE(button.is_pressed());
  sim().drive_high(4);
  EXPECT_TRUE(button.wait_for_press(kEventDue));
  EXPECT_TRUE(button.is_pressed());
  sim().drive_low(4);
  EXPECT_TRUE(button.wait_for_release(kEventDue));
  EXPECT_FALSE(button.is_pressed());
  EXPECT_EQ(button.press_count(), 1u);
}

TEST_F(KernelButtonTest, ABouncingPressIsOnePress) {
  // The contact chatters: five level changes written back to back, well inside the bounce period
  // (a sysfs write takes microseconds; 300 ms leaves room for a loaded emulator).
  Button button(chip(), 4, {.pull_up = false, .bounce = 300ms});
  int pressed = 0, released = 0;
  pinfiber::Event release_reported;
  button.when_pressed([&] { ++pressed; });
  button.when_released([&] {
    ++released;
    release_reported.set();
  });
  for (bool high : {true, false, true, false, true}) sim().drive(4, high);
  EXPECT_TRUE(button.wait_for_press(kEventDue));
  for (bool high : {false, true, false}) sim().drive(4, high);
  EXPECT_TRUE(button.wait_for_release(kEventDue));
  // The callbacks run in the line's handler greenlet, after the waiters are woken.
  ASSERT_TRUE(release_reported.wait(kEventDue));
  EXPECT_EQ(button.press_count(), 1u);
  EXPECT_EQ(pressed, 1);
  EXPECT_EQ(released, 1);
}

TEST_F(KernelLedTest, OnOffToggleReadBackFromTheChip) {
  {
    Led led(chip(), 17);
    EXPECT_FALSE(sim().level(17));
    led.on();
    EXPECT_TRUE(sim().level(17));
    EXPECT_TRUE(led.is_lit());
    led.off();
    EXPECT_FALSE(sim().level(17));
    led.toggle();
    EXPECT_TRUE(sim().level(17));
    EXPECT_EQ(chip().line_info(17).consumer, "pinfiber-led");
  }
  EXPECT_FALSE(sim().level(17)) << "a destroyed Led is off";
  EXPECT_FALSE(chip().line_info(17).used);
}

TEST_F(KernelLedTest, AButtonLightsAnLed) {
  // Story 10 in one process: the LED follows the button.
  Led led(chip(), 17);
  Button button(chip(), 4, {.pull_up = false});
  pinfiber::Event lit, dark;
  button.when_pressed([&] {
    led.on();
    lit.set();
  });
  button.when_released([&] {
    led.off();
    dark.set();
  });
  sim().drive_high(4);
  ASSERT_TRUE(lit.wait(kEventDue));
  EXPECT_TRUE(sim().level(17));
  sim().drive_low(4);
  ASSERT_TRUE(dark.wait(kEventDue));
  EXPECT_FALSE(sim().level(17));
}

}  // namespace
}  // namespace pinfiber::gpio::testing
