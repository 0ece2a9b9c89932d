#pragma once
// PwmLed: an LED whose brightness is set by PWM (gpiozero's PWMLED).

#include "pinfiber/devices/pwm_output_device.hpp"

namespace pinfiber::devices {

/// An LED with a brightness from 0 to 1: a PwmOutputDevice (value, on/off/toggle, blink with fades,
/// pulse), named for what it is as gpiozero's PWMLED. Off when destroyed.
///
///   pinfiber::devices::PwmLed led(17);
///   led.set_value(0.5);                          // half brightness
///   led.blink(0.5, 0.5, 0.25, 0.25, 3);          // three soft blinks in the background
class PwmLed : public PwmOutputDevice {
 public:
  using PwmOutputDevice::PwmOutputDevice;
  /// True when lit at all (value() > 0).
  bool is_lit() const { return is_active(); }
};

}  // namespace pinfiber::devices
