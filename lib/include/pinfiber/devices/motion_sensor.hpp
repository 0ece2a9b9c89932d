#pragma once
// MotionSensor: a PIR motion sensor (HC-SR501 and the like), gpiozero's MotionSensor.

#include "pinfiber/devices/smoothed_input_device.hpp"

namespace pinfiber::devices {

/// gpiozero's defaults: one sample (queue_len 1) ten times a second, threshold 0.5 - a PIR holds its
/// output high for seconds after motion, so no smoothing is needed; raise queue_len for a sensor
/// that flickers.
inline constexpr SmoothedInputOptions motion_sensor_defaults{
    .pull_up = false, .queue_len = 1, .sample_rate = 10, .threshold = 0.5, .partial = false};

/// A PIR sensor: motion_detected() while its output is (on average) high.
///
///   pinfiber::devices::MotionSensor pir(4);
///   pir.when_motion([&] { light.on(); });
///   if (!pir.wait_for_motion(10min)) std::puts("quiet");
class MotionSensor : public SmoothedInputDevice {
 public:
  explicit MotionSensor(unsigned bcm, const SmoothedInputOptions& options = motion_sensor_defaults)
      : SmoothedInputDevice(bcm, options) {}
  MotionSensor(gpio::Chip& chip, unsigned offset, const SmoothedInputOptions& options = motion_sensor_defaults)
      : SmoothedInputDevice(chip, offset, options) {}

  bool motion_detected(TimeSpan timeout = forever) { return is_active(timeout); }
  bool wait_for_motion(TimeSpan timeout = forever) { return wait_for_active(timeout); }
  bool wait_for_no_motion(TimeSpan timeout = forever) { return wait_for_inactive(timeout); }
  void when_motion(std::function<void()> fn) { when_activated(std::move(fn)); }
  void when_no_motion(std::function<void()> fn) { when_deactivated(std::move(fn)); }
};

}  // namespace pinfiber::devices
