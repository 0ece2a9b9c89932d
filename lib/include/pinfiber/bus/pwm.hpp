#pragma once
// Pwm: a pulse-width-modulated output as the devices on it see it - a period and the fraction of it
// the output is high. Two implementations behind this one interface: SysfsPwm (a hardware PWM
// channel through the kernel's sysfs PWM class) and SoftPwm (any GPIO output line, its edges timed
// by the hub), so PwmLed, Servo and Motor run unchanged on either, and on a mock GPIO line in tests.

#include <string>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::bus {

/// A PWM output. A duty cycle of 0 holds the output low, 1 holds it high, anything between makes
/// pulses of duty * period every period. Calls never block the hub for longer than a sysfs write
/// (SysfsPwm) or not at all (SoftPwm). Failures are BusError naming the output; values out of range
/// are pinfiber::Error (EINVAL). Use it from its hub's thread only.
///
///   pinfiber::bus::SoftPwm pwm(18, 100);     // 100 Hz on BCM 18, or SysfsPwm(0, 0) for PWM0
///   pwm.set_duty_cycle(0.25);                // high 2.5 ms of every 10 ms
class Pwm {
 public:
  virtual ~Pwm() = default;
  /// must: what errors call it ("software PWM on line 18 on gpiochip0", "pwmchip0/pwm0").
  virtual const std::string& name() const = 0;
  /// must: sets the period (1 / frequency); the duty cycle, as a fraction, is kept. Throws
  /// pinfiber::Error EINVAL for a period of zero or less, BusError if the hardware refuses it.
  virtual void set_period(Duration period) = 0;
  virtual Duration period() const = 0;
  /// must: the fraction of each period the output is high, 0 to 1. Throws pinfiber::Error EINVAL
  /// outside [0, 1] (or NaN), BusError if the write fails.
  virtual void set_duty_cycle(double duty) = 0;
  virtual double duty_cycle() const = 0;

  /// The period as a frequency in Hz.
  void set_frequency(double hz);
  double frequency() const;
};

}  // namespace pinfiber::bus
