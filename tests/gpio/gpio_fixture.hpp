#pragma once
// Shared by the gpio tests: pinfiber's own GpioTest fixture - a paused hub clock, a mock Raspberry Pi
// Zero W as the default backend, and the end-of-test checks (no greenlet, timer, watch or fd left).

#include <gtest/gtest.h>

#include <chrono>

#include "pinfiber/core.hpp"
#include "pinfiber/gpio.hpp"
#include "pinfiber/testing.hpp"

namespace pinfiber::gpio::testing {

using namespace std::chrono_literals;
using pinfiber::testing::open_fd_count;

class GpioTest : public pinfiber::testing::GpioTest {
 protected:
  const pinfiber::TimePoint& t0_ = start_;
};

}  // namespace pinfiber::gpio::testing
