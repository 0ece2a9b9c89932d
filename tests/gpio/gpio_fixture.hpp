#pragma once
// Shared by the gpio tests: a paused hub clock, a mock Raspberry Pi Zero W, and the end-of-test
// checks every test must pass (no greenlet left, no fd leaked).

#include <dirent.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "pinfiber/core.hpp"
#include "pinfiber/gpio.hpp"

namespace pinfiber::gpio::testing {

using namespace std::chrono_literals;

inline int open_fd_count() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n;
}

class GpioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fds_before_ = open_fd_count();
    pinfiber::hub().pause_clock();
    t0_ = pinfiber::Clock::now();
  }
  void TearDown() override {
    chip_.reset();
    EXPECT_EQ(pinfiber::hub().greenlet_count(), 0u) << "a greenlet outlived the test";
    EXPECT_EQ(open_fd_count(), fds_before_) << "an fd leaked";
  }
  Chip& chip() {
    if (!chip_) chip_.emplace("gpiochip0", mock_);
    return *chip_;
  }
  MockPin& pin(unsigned offset) { return mock_.chip(0).pin(offset); }
  /// Time since the test started, on the paused clock.
  Duration since_start() const { return pinfiber::Clock::now() - t0_; }
  Duration at(const MockPin::Change& c) const { return c.at - t0_; }
  Duration at(const EdgeEvent& e) const { return pinfiber::TimePoint(Duration(e.timestamp_ns)) - t0_; }

  MockBackend mock_{boards::raspberry_pi_zero_w()};
  std::optional<Chip> chip_;
  pinfiber::TimePoint t0_;
  int fds_before_ = 0;
};

}  // namespace pinfiber::gpio::testing
