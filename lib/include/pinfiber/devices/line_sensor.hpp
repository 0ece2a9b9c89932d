#pragma once
// LineSensor: an IR reflectance line sensor (TCRT5000 module), gpiozero's LineSensor.

#include "pinfiber/devices/smoothed_input_device.hpp"

namespace pinfiber::devices {

/// gpiozero's defaults: five samples a hundred times a second, threshold 0.5.
inline constexpr SmoothedInputOptions line_sensor_defaults{
    .pull_up = false, .queue_len = 5, .sample_rate = 100, .threshold = 0.5, .partial = false};

/// A line sensor: its output is low over a dark line (which reflects no IR) and high over a light
/// floor, so - as in gpiozero - a line is detected while the device is INactive.
///
///   pinfiber::devices::LineSensor eye(17);
///   eye.when_line([&] { motor.stop(); });
class LineSensor : public SmoothedInputDevice {
 public:
  explicit LineSensor(unsigned bcm, const SmoothedInputOptions& options = line_sensor_defaults)
      : SmoothedInputDevice(bcm, options) {}
  LineSensor(gpio::Chip& chip, unsigned offset, const SmoothedInputOptions& options = line_sensor_defaults)
      : SmoothedInputDevice(chip, offset, options) {}

  bool line_detected(TimeSpan timeout = forever) { return !is_active(timeout); }
  bool wait_for_line(TimeSpan timeout = forever) { return wait_for_inactive(timeout); }
  bool wait_for_no_line(TimeSpan timeout = forever) { return wait_for_active(timeout); }
  void when_line(std::function<void()> fn) { when_deactivated(std::move(fn)); }
  void when_no_line(std::function<void()> fn) { when_activated(std::move(fn)); }
};

}  // namespace pinfiber::devices
