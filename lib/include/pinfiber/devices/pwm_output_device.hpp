#pragma once
// PwmOutputDevice: a device whose power is set by PWM (gpiozero's PWMOutputDevice), the base of
// PwmLed; Motor and Servo drive PWM outputs the same way.

#include <memory>

#include "pinfiber/bus/pwm.hpp"
#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"

namespace pinfiber::devices {

/// How a PwmOutputDevice is wired and started.
struct PwmOutputOptions {
  /// true: full power when the pin is high. false: the pin sinks the current (value 1 = pin low).
  bool active_high = true;
  /// The value set at once, 0..1.
  double initial_value = 0;
  /// The PWM frequency in Hz (gpiozero's default: 100).
  double frequency = 100;
};

/// A PWM output with a value from 0 (off) to 1 (full on), gpiozero's PWMOutputDevice: on(), off(),
/// toggle(), blink() and pulse() with fades run by a background greenlet that any other call
/// cancels. Destroying it stops the blink and turns the output off (and SoftPwm then releases the
/// line low): safe on exit. Calls never block (ending a background blink takes one turn of the
/// hub), except blink/pulse with background = false, which block the caller for the whole blink.
/// Errors: pinfiber::Error EINVAL for a value outside 0..1, BusError/GpioError from the output.
///
///   pinfiber::devices::PwmLed led(18);          // SoftPwm on BCM 18 at 100 Hz
///   led.set_value(0.25);                        // a quarter of the power
///   led.pulse();                                // fade in 1 s, out 1 s, forever, in the background
class PwmOutputDevice {
 public:
  /// Software PWM on BCM GPIO `bcm` of the default chip. Throws GpioError as Chip::request_output.
  explicit PwmOutputDevice(unsigned bcm, const PwmOutputOptions& options = {});
  /// On `pwm` (a SysfsPwm for hardware PWM, or a SoftPwm on a line of one's choice), taken over;
  /// its frequency is set to options.frequency.
  explicit PwmOutputDevice(std::unique_ptr<bus::Pwm> pwm, const PwmOutputOptions& options = {});
  PwmOutputDevice(const PwmOutputDevice&) = delete;
  PwmOutputDevice& operator=(const PwmOutputDevice&) = delete;
  /// Stops the blink, turns it off. Never throws.
  virtual ~PwmOutputDevice();

  /// Full power / off / the other way round (1 - value); each stops a blink first.
  void on() { set_value(1); }
  void off() { set_value(0); }
  void toggle() { set_value(1 - value_); }
  /// Sets the power, 0..1, stopping a blink first.
  void set_value(double value);
  double value() const { return value_; }
  /// True when value() is not 0.
  bool is_active() const { return value_ > 0; }

  /// Blinks `n` times (0: until stopped): fades in over `fade_in_time` (25 steps a second), stays on
  /// `on_time`, fades out over `fade_out_time`, stays off `off_time`. In the background unless
  /// `background` is false (then it blocks the caller for the whole blink). Ends off.
  void blink(TimeSpan on_time = 1, TimeSpan off_time = 1, TimeSpan fade_in_time = 0, TimeSpan fade_out_time = 0,
             unsigned n = 0, bool background = true);
  /// blink(0, 0, fade_in_time, fade_out_time, n, background): a breathing glow.
  void pulse(TimeSpan fade_in_time = 1, TimeSpan fade_out_time = 1, unsigned n = 0, bool background = true);
  /// True while a background blink or pulse runs.
  bool is_blinking() const { return blinker_ && !blinker_.dead(); }

  /// The PWM frequency in Hz.
  double frequency() const { return pwm_->frequency(); }
  void set_frequency(double hz) { pwm_->set_frequency(hz); }
  bus::Pwm& pwm() { return *pwm_; }

 private:
  void apply(double value);
  void stop_blink();

  std::unique_ptr<bus::Pwm> pwm_;
  bool active_high_;
  double value_ = 0;
  GreenletBase blinker_;
};

}  // namespace pinfiber::devices
