#pragma once
// pinfiber's GoogleTest fixtures, for the project's own tests and for users' suites (it is installed
// with the library; link GTest yourself). Test settings live here and only here: production code
// never reads a test switch.
//
//   #include <pinfiber/testing.hpp>
//   class Doorbell : public pinfiber::testing::GpioTest {};
//   TEST_F(Doorbell, RingsOnPress) {
//     pinfiber::gpio::Button button(4);              // on the mock Pi Zero W
//     pin(4).drive_high();
//     EXPECT_TRUE(button.wait_for_press(1s));        // on the paused clock: instant and exact
//   }
//
// Every fixture starts on a paused hub clock: when every greenlet is blocked, time jumps to the next
// deadline, so timed code runs in microseconds and exactly. At the end it lets what is still queued
// run, then checks that the test left nothing behind - no greenlet, no hub timer, no event-loop
// watch, no open fd - as libuv checks that its loop closes clean after every test.

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "pinfiber/core.hpp"
#include "pinfiber/gpio.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber::testing {

/// Open fds of this process (the directory stream's own not counted).
inline int open_fd_count() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;
}

/// An fd a test feeds from outside the hub (see pinfiber::FedFromOutside in io/wait.hpp).
using pinfiber::FedFromOutside;

/// The base fixture: a paused hub clock, and the end-of-test checks.
class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pinfiber::hub().pause_clock();
    // Each test starts with the default rate limit, its counts empty: what earlier tests reported
    // must not hold back this one's.
    pinfiber::logging::set_rate_limit({});
    start_ = pinfiber::Clock::now();
    fds_at_start_ = open_fd_count();
    watches_at_start_ = pinfiber::hub().active_watches();
  }

  void TearDown() override {
    // What the test queued (a links pass, a greenlet it spawned last) runs before the checks.
    try {
      pinfiber::idle();
    } catch (...) {
      ADD_FAILURE() << "the test's last greenlets raised at the end of the test";
    }
    EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u) << "the test left greenlets behind";
    EXPECT_EQ(pinfiber::hub().pending_timers(), 0u) << "the test left hub timers armed";
    EXPECT_EQ(pinfiber::hub().active_watches(), watches_at_start_) << "the test left event-loop watches active";
    EXPECT_EQ(open_fd_count(), fds_at_start_) << "the test leaked file descriptors";
    pinfiber::hub().set_exception_handler({});
    pinfiber::hub().pause_clock();
  }

  /// Time elapsed on the hub's clock since the test began.
  pinfiber::Duration elapsed() const { return pinfiber::Clock::now() - start_; }

  /// Lets time pass for real: for a test whose peer is another thread or process that the hub cannot
  /// know about (mark its fds with FedFromOutside instead, where that is enough).
  void use_real_clock() { pinfiber::hub().resume_clock(); }

  /// Counts failures the hub reports (exceptions escaping greenlets) instead of printing them, for a
  /// test where greenlets fail on purpose; failures() says how many.
  void expect_failures() {
    pinfiber::hub().set_exception_handler([this](const std::string&, std::exception_ptr) { ++failures_; });
  }
  int failures() const { return failures_; }

  pinfiber::TimePoint start_;
  int fds_at_start_ = 0;
  std::size_t watches_at_start_ = 0;
  int failures_ = 0;
};

/// HubTest on a mock Raspberry Pi Zero W that is the default GPIO backend (gpiozero's mock pin
/// factory): Button(4) and Led(17) run on it, and pin(n) drives or reads the simulated pins.
class GpioTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    pinfiber::gpio::set_default_backend(&mock_);
    // Histories start with the test, so the first change's time counts from start_.
    auto& chip = mock_.chip(0);
    for (unsigned i = 0; i < chip.info().num_lines; ++i) chip.pin(i).clear_history();
  }
  void TearDown() override {
    chip_.reset();
    pinfiber::gpio::set_default_backend(nullptr);
    HubTest::TearDown();
  }

  /// The mock board's header chip (gpiochip0).
  pinfiber::gpio::Chip& chip() {
    if (!chip_) chip_.emplace("gpiochip0", mock_);
    return *chip_;
  }
  /// Pin `offset` (a BCM number) of the mock board.
  pinfiber::gpio::MockPin& pin(unsigned offset) { return mock_.chip(0).pin(offset); }
  /// Time since the test started, on the paused clock.
  pinfiber::Duration since_start() const { return pinfiber::Clock::now() - start_; }
  pinfiber::Duration at(const pinfiber::gpio::MockPin::Change& c) const { return c.at - start_; }
  pinfiber::Duration at(const pinfiber::gpio::EdgeEvent& e) const {
    return pinfiber::TimePoint(pinfiber::Duration(e.timestamp_ns)) - start_;
  }

  pinfiber::gpio::MockBackend mock_{pinfiber::gpio::boards::raspberry_pi_zero_w()};
  std::optional<pinfiber::gpio::Chip> chip_;
};

/// gpiozero's MockPin.assert_states_and_times for GoogleTest: the pin's history of changes, each
/// level with its time since the previous change (the first: since the test began, or since
/// clear_history()), within `tolerance`. On failure it says what differs and prints the history.
///
///   led.blink(100ms, 200ms, 2);
///   pinfiber::sleep(1s);
///   EXPECT_TRUE(states_and_times(pin(17), {{0ms, true}, {100ms, false}, {200ms, true}, {100ms, false}}));
inline ::testing::AssertionResult states_and_times(const pinfiber::gpio::MockPin& pin,
                                                   std::initializer_list<pinfiber::gpio::MockPin::State> expected,
                                                   pinfiber::Duration tolerance = pinfiber::Duration::zero()) {
  const std::string why = pin.compare_states_and_times(std::span(expected.begin(), expected.size()), tolerance);
  if (why.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why;
}

/// gpiozero's MockPin.assert_states: the levels of the pin's history, without times.
inline ::testing::AssertionResult states(const pinfiber::gpio::MockPin& pin, std::initializer_list<bool> expected) {
  const std::string why = pin.compare_states(std::span(expected.begin(), expected.size()));
  if (why.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << why;
}

}  // namespace pinfiber::testing
