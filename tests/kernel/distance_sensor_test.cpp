// DistanceSensor on the real kernel: the echo's two edges come from gpio-sim with the kernel's
// CLOCK_MONOTONIC stamps, and the width the driver reports is the difference of those stamps - so it
// lies between the times of the two sysfs writes that made the edges, however late the measuring
// greenlet ran after them.

#include <gmock/gmock.h>

#include <vector>

#include "kernel_fixture.hpp"
#include "pinfiber/devices.hpp"

namespace pinfiber::gpio::testing {
namespace {

using KernelDistanceSensorTest = KernelGpioTest;

TEST_F(KernelDistanceSensorTest, TheEchoWidthIsTheKernelsTimestampDifference) {
  constexpr unsigned kTrigger = 23, kEcho = 24;
  sim().drive_low(kEcho);
  // One trigger a second: each answer belongs to one trigger, with no second one meanwhile.
  devices::DistanceSensor sensor(chip(), kEcho, kTrigger, {.queue_len = 1, .max_distance = 4, .interval = 1s});
  struct Answer {
    std::int64_t before_rise, after_rise, before_fall, after_fall;
  };
  std::vector<Answer> answers;  // answers[k] answered trigger k + 1
  // The module: each new trigger (which outputs cannot report as events: the sensor's count says
  // it) is answered with a 3 ms echo made through the simulator's pull.
  auto module = pinfiber::spawn([&] {
    for (;;) {
      while (sensor.triggers() <= answers.size()) pinfiber::sleep(100us);
      Answer a{};
      a.before_rise = monotonic_ns();
      sim().drive_high(kEcho);
      a.after_rise = monotonic_ns();
      pinfiber::sleep(3ms);
      a.before_fall = monotonic_ns();
      sim().drive_low(kEcho);
      a.after_fall = monotonic_ns();
      answers.push_back(a);
    }
  });
  // An answer can miss its trigger's 10 ms window on a loaded emulator; the next trigger gets the
  // next answer. Wait (bounded) for a reading with an echo.
  const auto deadline = Clock::now() + 20s;
  while (!sensor.last_echo() && Clock::now() < deadline) pinfiber::sleep(10ms);
  module.kill();
  ASSERT_TRUE(sensor.last_echo().has_value()) << "no echo measured in 20 s";
  const Answer& a = answers.at(sensor.triggers() - 1);
  const std::int64_t width = sensor.last_echo()->count();
  EXPECT_GE(width, a.before_fall - a.after_rise);
  EXPECT_LE(width, a.after_fall - a.before_rise);
  EXPECT_NEAR(sensor.distance(), std::min(4.0, width * 1e-9 * 343.26 / 2), 1e-9);
}

}  // namespace
}  // namespace pinfiber::gpio::testing
