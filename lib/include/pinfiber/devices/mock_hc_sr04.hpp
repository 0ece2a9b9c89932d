#pragma once
// MockHcSr04: a simulated HC-SR04 on two mock GPIO pins, for host tests of programs that measure
// distances (a parking sensor): the test sets the distance, the real DistanceSensor measures it.

#include <cstdint>
#include <optional>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/mock_backend.hpp"

namespace pinfiber::devices {

/// Watches its trigger pin; a high pulse of at least 10 us answers, `response_delay` after the
/// trigger falls, with an echo pulse on its echo pin whose width is the sound's round trip to the
/// obstacle (2 * distance / 343.26 m/s) - or, with no obstacle, nothing (no_echo()). The pulse is
/// timed on the hub's clock, so on a paused clock the width the driver measures is exact. Owns the
/// trigger pin's watcher while it lives.
///
///   MockHcSr04 hc(pin(23), pin(24));  hc.set_distance(0.25);
///   DistanceSensor sensor(24, 23);
///   EXPECT_NEAR(sensor.distance(), 0.25, 1e-6);
class MockHcSr04 {
 public:
  MockHcSr04(gpio::MockPin& trigger, gpio::MockPin& echo, double distance = 1.0);
  ~MockHcSr04();
  MockHcSr04(const MockHcSr04&) = delete;
  MockHcSr04& operator=(const MockHcSr04&) = delete;

  /// The obstacle's distance in metres (the echo width follows).
  void set_distance(double metres);
  /// The echo's width exactly.
  void set_echo_width(TimeSpan width) { width_ = width.duration(); }
  /// No echo at all (no obstacle within the module's 4 m).
  void no_echo() { width_.reset(); }
  /// The time from the trigger's falling edge to the echo's rising edge (default 0.5 ms).
  void set_response_delay(TimeSpan d) { delay_ = d; }
  /// Triggers answered, and trigger pulses too short to count.
  std::uint64_t triggers() const { return triggers_; }
  std::uint64_t short_triggers() const { return short_triggers_; }

 private:
  void on_trigger(bool level);

  gpio::MockPin& trigger_;
  gpio::MockPin& echo_;
  std::optional<Duration> width_;
  Duration delay_ = std::chrono::microseconds(500);
  TimePoint rose_at_{};
  std::uint64_t triggers_ = 0, short_triggers_ = 0;
  GreenletBase echoing_;
};

}  // namespace pinfiber::devices
