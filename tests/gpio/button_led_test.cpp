// Button and Led on the mock, read like gpiozero's tests.

#include <gmock/gmock.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gpio/gpio_fixture.hpp"

namespace pinfiber::gpio::testing {
namespace {

using ::testing::ElementsAre;
using ButtonTest = GpioTest;
using LedTest = GpioTest;
using C = MockPin::Change;

TEST_F(ButtonTest, IsPressedFollowsThePinPulledUp) {
  Button button(chip(), 4);
  EXPECT_TRUE(pin(4).level());  // the pull-up holds it high
  EXPECT_FALSE(button.is_pressed());
  pin(4).drive_low();
  EXPECT_TRUE(button.is_pressed());
  pin(4).drive_high();
  EXPECT_FALSE(button.is_pressed());
  EXPECT_EQ(chip().line_info(4).bias, Bias::pull_up);
}

TEST_F(ButtonTest, PullDownWiring) {
  Button button(chip(), 22, {.pull_up = false});
  EXPECT_FALSE(button.is_pressed());
  pin(22).drive_high();
  EXPECT_TRUE(button.is_pressed());
}

TEST_F(ButtonTest, WaitForPressAndRelease) {
  Button button(chip(), 4);
  auto finger = pinfiber::spawn([&] {
    pinfiber::sleep(100ms);
    pin(4).drive_low();
    pinfiber::sleep(300ms);
    pin(4).drive_high();
  });
  EXPECT_FALSE(button.wait_for_press(50ms));
  EXPECT_EQ(since_start(), 50ms);
  EXPECT_TRUE(button.wait_for_press());
  EXPECT_EQ(since_start(), 100ms);
  EXPECT_TRUE(button.wait_for_press(0ms));  // already pressed: at once
  EXPECT_TRUE(button.wait_for_release(1s));
  EXPECT_EQ(since_start(), 400ms);
  EXPECT_EQ(button.press_count(), 1u);
  finger.join();
}

TEST_F(ButtonTest, BouncingButtonGivesOnePressAndOneRelease) {
  Button button(chip(), 4, {.bounce = 20ms});
  std::vector<std::pair<std::string, Duration>> log;
  button.when_pressed([&] { log.emplace_back("pressed", since_start()); });
  button.when_released([&] { log.emplace_back("released", since_start()); });
  pin(4).bounce(false, 4, 1ms);  // pressed, bouncing for 8 ms
  pinfiber::sleep(200ms);
  pin(4).bounce(true, 3, 2ms);  // released at 208 ms, bouncing for 12 ms
  pinfiber::sleep(200ms);
  using P = std::pair<std::string, Duration>;
  EXPECT_THAT(log, ElementsAre(P{"pressed", 28ms}, P{"released", 240ms}));
  EXPECT_EQ(button.press_count(), 1u);
  EXPECT_FALSE(button.is_pressed());
}

TEST_F(ButtonTest, WhenHeldRunsAfterHoldTimeAndRepeats) {
  Button button(chip(), 4, {.hold_time = 500ms, .hold_repeat = true});
  std::vector<Duration> held;
  button.when_held([&] { held.push_back(since_start()); });
  pin(4).drive_low();
  pinfiber::sleep(1200ms);
  EXPECT_TRUE(button.is_held());
  pin(4).drive_high();
  pinfiber::sleep(1s);
  EXPECT_THAT(held, ElementsAre(500ms, 1000ms));
  EXPECT_FALSE(button.is_held());
}

TEST_F(ButtonTest, ShortPressIsNotAHold) {
  Button button(chip(), 4, {.hold_time = 1s});
  int held = 0;
  button.when_held([&] { ++held; });
  pin(4).pulse(300ms, false);
  pinfiber::sleep(2s);
  EXPECT_EQ(held, 0);
}

TEST_F(ButtonTest, WhenHeldRunsToItsEndAfterTheRelease) {
  // gpiozero semantics: the release does not cut a hold callback short.
  Button button(chip(), 4, {.hold_time = 1s});
  std::vector<std::pair<std::string, Duration>> log;
  button.when_held([&] {
    log.emplace_back("held", since_start());
    pinfiber::sleep(3s);  // work over several seconds
    log.emplace_back("held done", since_start());
  });
  button.when_released([&] { log.emplace_back("released", since_start()); });
  pin(4).drive_low();
  pinfiber::sleep(1500ms);
  pin(4).drive_high();
  pinfiber::sleep(5s);
  using P = std::pair<std::string, Duration>;
  // when_released ran at the release, while when_held was still at work.
  EXPECT_THAT(log, ElementsAre(P{"held", 1s}, P{"released", 1500ms}, P{"held done", 4s}));
  EXPECT_FALSE(button.is_held());
}

TEST_F(ButtonTest, ReleaseStopsOnlyTheHoldRepetition) {
  Button button(chip(), 4, {.hold_time = 500ms, .hold_repeat = true});
  std::vector<std::pair<Duration, Duration>> held;  // start, end
  button.when_held([&] {
    const Duration start = since_start();
    pinfiber::sleep(800ms);
    held.emplace_back(start, since_start());
  });
  pin(4).drive_low();
  pinfiber::sleep(2s);  // held at 500 ms (to 1300), again 500 ms after it returned: 1800 (to 2600)
  pin(4).drive_high();
  pinfiber::sleep(3s);
  using P = std::pair<Duration, Duration>;
  EXPECT_THAT(held, ElementsAre(P{500ms, 1300ms}, P{1800ms, 2600ms}));  // the second ends after the release
}

TEST_F(ButtonTest, ANewPressStartsAFreshHold) {
  Button button(chip(), 4, {.hold_time = 1s});
  std::vector<Duration> held;
  button.when_held([&] { held.push_back(since_start()); });
  pin(4).pulse(700ms, false);  // too short
  pinfiber::sleep(100ms);
  pin(4).drive_low();  // at 800 ms: held at 1800 ms, counted from this press
  pinfiber::sleep(2s);
  pin(4).drive_high();
  EXPECT_THAT(held, ElementsAre(1800ms));
}

TEST_F(ButtonTest, GpiozeroValuesAndTimes) {
  Button button(chip(), 4, {.hold_time = 1s});
  EXPECT_EQ(button.value(), 0);
  EXPECT_FALSE(button.is_active());
  EXPECT_EQ(button.active_time(), std::nullopt);
  EXPECT_EQ(button.held_time(), std::nullopt);
  pinfiber::sleep(200ms);
  EXPECT_EQ(button.inactive_time(), 200ms);  // released since it was made
  pin(4).drive_low();
  ASSERT_TRUE(button.wait_for_press(1s));
  EXPECT_EQ(since_start(), 200ms);  // the hub read the press at once
  EXPECT_EQ(button.active_time(), 0ms);
  EXPECT_EQ(button.value(), 1);
  EXPECT_TRUE(button.is_active());
  EXPECT_EQ(button.inactive_time(), std::nullopt);
  pinfiber::sleep(700ms);
  EXPECT_EQ(button.active_time(), 700ms);
  EXPECT_FALSE(button.is_held());
  EXPECT_EQ(button.held_time(), std::nullopt);
  pinfiber::sleep(800ms);
  EXPECT_EQ(button.active_time(), 1500ms);
  EXPECT_TRUE(button.is_held());
  EXPECT_EQ(button.held_time(), 500ms);  // held from hold_time after the press
  pin(4).drive_high();
  pinfiber::sleep(250ms);
  EXPECT_EQ(button.active_time(), std::nullopt);
  EXPECT_EQ(button.held_time(), std::nullopt);
  EXPECT_EQ(button.inactive_time(), 250ms);
}

TEST_F(ButtonTest, PressesReachTheCallbacksWithoutAGreenletPerPress) {
  Button button(chip(), 4);
  EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u);  // the hub keeps its state: no greenlet at all
  int presses = 0, releases = 0;
  std::set<pinfiber::detail::Fiber*> where;
  button.when_pressed([&] { ++presses, where.insert(getcurrent().fiber()); });
  button.when_released([&] { ++releases, where.insert(getcurrent().fiber()); });
  std::size_t most = 0;
  for (int i = 0; i < 50; ++i) {
    pin(4).drive_low();
    pinfiber::sleep(10ms);
    most = std::max(most, pinfiber::hub().greenlet_count());
    pin(4).drive_high();
    pinfiber::sleep(10ms);
  }
  EXPECT_EQ(presses, 50);
  EXPECT_EQ(releases, 50);
  EXPECT_EQ(where.size(), 1u);  // one handler greenlet, in order
  EXPECT_EQ(most, 1u);          // and no hold timer greenlet per press
  EXPECT_EQ(button.press_count(), 50u);
}

TEST_F(ButtonTest, StateFollowsTheEdgesWhileACallbackBlocks) {
  Button button(chip(), 4);
  button.when_pressed([&] { pinfiber::sleep(10s); });  // a slow callback
  pin(4).drive_low();
  pinfiber::sleep(100ms);
  pin(4).drive_high();
  EXPECT_TRUE(button.wait_for_release(10ms));  // not after the callback: the hub read the release
  EXPECT_EQ(since_start(), 100ms);
  EXPECT_EQ(button.inactive_time(), 0ms);
}

TEST_F(ButtonTest, AfterAQueueOverflowTheButtonIsOnTheRealLevel) {
  // Issue 15, item 8: 33 edges in a burst (no yield, so nobody reads): the v1 queue keeps the first
  // 16 - press, release, ..., release - and drops the rest, the last a press: the button is down.
  Button button(chip(), 4);
  std::vector<std::string> log;
  button.when_pressed([&] { log.push_back("pressed"); });
  button.when_released([&] { log.push_back("released"); });
  for (int i = 0; i < 33; ++i) i % 2 == 0 ? pin(4).drive_low() : pin(4).drive_high();
  pinfiber::sleep(10ms);
  EXPECT_TRUE(button.is_pressed());
  EXPECT_TRUE(button.wait_for_press(0ms));  // as reported by the events
  EXPECT_EQ(button.active_time(), 10ms);
  ASSERT_EQ(log.size(), 17u);  // 16 real edges, then the synthetic press
  EXPECT_EQ(log[15], "released");
  EXPECT_EQ(log.back(), "pressed");
  EXPECT_EQ(button.line().lost_count(), 1u);
  EXPECT_EQ(button.press_count(), 9u);
}

TEST_F(ButtonTest, OnDefaultChipUsesTheDefaultBackend) {
  MockBackend mock(boards::raspberry_pi_zero_w());
  set_default_backend(&mock);
  {
    Button button(4);
    mock.chip(0).pin(4).drive_low();
    EXPECT_TRUE(button.is_pressed());
  }
  set_default_backend(nullptr);
}

TEST_F(LedTest, OnOffToggleAndHistory) {
  Led led(chip(), 17);
  EXPECT_FALSE(led.is_lit());
  led.on();
  EXPECT_TRUE(pin(17).level());
  pinfiber::sleep(100ms);
  led.toggle();
  EXPECT_FALSE(led.is_lit());
  EXPECT_THAT(pin(17).history(), ElementsAre(C{t0_, true}, C{t0_ + 100ms, false}));
}

TEST_F(LedTest, GpiozeroValues) {
  Led led(chip(), 17);
  EXPECT_EQ(led.value(), 0);
  EXPECT_FALSE(led.is_active());
  led.on();
  EXPECT_EQ(led.value(), 1);
  EXPECT_TRUE(led.is_active());
}

TEST_F(LedTest, ActiveLowLed) {
  Led led(chip(), 17, {.active_high = false});
  EXPECT_TRUE(pin(17).level());  // off = high for an LED wired to 3V3
  led.on();
  EXPECT_FALSE(pin(17).level());
}

TEST_F(LedTest, BlinksInTheBackgroundNTimes) {
  Led led(chip(), 17);
  led.blink(100ms, 200ms, 2);
  EXPECT_TRUE(led.is_blinking());
  pinfiber::sleep(1s);
  EXPECT_FALSE(led.is_blinking());
  EXPECT_THAT(pin(17).history(),
              ElementsAre(C{t0_, true}, C{t0_ + 100ms, false}, C{t0_ + 300ms, true}, C{t0_ + 400ms, false}));
}

TEST_F(LedTest, OffCancelsABlink) {
  Led led(chip(), 17);
  led.blink(100ms, 100ms);  // forever
  pinfiber::sleep(250ms);
  led.off();
  EXPECT_FALSE(led.is_blinking());
  pinfiber::sleep(1s);
  EXPECT_THAT(pin(17).history(),
              ElementsAre(C{t0_, true}, C{t0_ + 100ms, false}, C{t0_ + 200ms, true}, C{t0_ + 250ms, false}));
}

TEST_F(LedTest, ForegroundBlinkBlocksTheCaller) {
  Led led(chip(), 17);
  led.blink(10ms, 20ms, 3, false);
  EXPECT_EQ(since_start(), 90ms);
  EXPECT_EQ(pin(17).history().size(), 6u);
}

TEST_F(LedTest, DestroyingItTurnsItOffEvenMidBlink) {
  {
    Led led(chip(), 17);
    led.blink(100ms, 100ms);
    pinfiber::sleep(50ms);
    EXPECT_TRUE(pin(17).level());
  }
  EXPECT_FALSE(pin(17).level());
  EXPECT_FALSE(pin(17).requested());
}

TEST_F(LedTest, Story10RisingTurnsTheLedOnFallingTurnsItOff) {
  // Button on BCM 4 (to 3V3, pulled down here as in the note), LED on BCM 17: one line, two handlers.
  auto button = chip().request_input(4, {.edge = Edge::both, .bias = Bias::pull_down});
  Led led(chip(), 17);
  button.on_rising([&](const EdgeEvent&) { led.on(); });
  button.on_falling([&](const EdgeEvent&) { led.off(); });
  pin(4).pulse(300ms);
  pinfiber::sleep(100ms);
  pin(4).pulse(50ms);
  pinfiber::sleep(10ms);
  EXPECT_THAT(pin(17).history(),
              ElementsAre(C{t0_, true}, C{t0_ + 300ms, false}, C{t0_ + 400ms, true}, C{t0_ + 450ms, false}));
}

}  // namespace
}  // namespace pinfiber::gpio::testing
