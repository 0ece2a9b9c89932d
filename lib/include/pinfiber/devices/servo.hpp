#pragma once
// Servo and AngularServo: hobby servos driven by a pulse every frame (gpiozero's Servo and
// AngularServo): the pulse's width sets the position.

#include <memory>
#include <optional>

#include "pinfiber/bus/pwm.hpp"
#include "pinfiber/core/clock.hpp"

namespace pinfiber::devices {

/// A servo's timing. The defaults are gpiozero's: a 1 ms pulse for one end, 2 ms for the other,
/// one pulse every 20 ms (50 Hz).
struct ServoOptions {
  /// The starting value, -1..1; nothing: detached (no pulses) until a value is set.
  std::optional<double> initial_value = 0.0;
  TimeSpan min_pulse_width = 0.001;
  TimeSpan max_pulse_width = 0.002;
  TimeSpan frame_width = 0.020;
};

/// A servo with a value from -1 (min_pulse_width) through 0 (the middle) to 1 (max_pulse_width), or
/// detached: no pulses at all, so the servo goes limp and stops buzzing. On a SoftPwm the pulses
/// jitter by what docs/peripherals.md measures (a few microseconds out of a 1000 us range); on a
/// SysfsPwm (BCM 12/13/18/19 with pwm-2chan) they do not. Detached when destroyed. Never blocks.
/// Errors: pinfiber::Error EINVAL for a value outside -1..1 or a pulse wider than the frame;
/// BusError/GpioError from the output.
///
///   pinfiber::devices::Servo servo(17);
///   servo.min();  servo.max();  servo.set_value(0.5);  servo.detach();
class Servo {
 public:
  /// Software PWM on BCM GPIO `bcm` of the default chip.
  explicit Servo(unsigned bcm, const ServoOptions& options = {});
  /// On `pwm`, taken over; its period is set to the frame width.
  explicit Servo(std::unique_ptr<bus::Pwm> pwm, const ServoOptions& options = {});
  Servo(const Servo&) = delete;
  Servo& operator=(const Servo&) = delete;
  virtual ~Servo();

  void min() { set_value(-1.0); }
  void mid() { set_value(0.0); }
  void max() { set_value(1.0); }
  /// Stops the pulses.
  void detach() { set_value(std::nullopt); }
  /// The position, -1..1, or nothing to detach.
  void set_value(std::optional<double> value);
  std::optional<double> value() const { return value_; }
  /// True while attached (pulsing).
  bool is_active() const { return value_.has_value(); }
  /// The width of the pulses now (zero while detached).
  Duration pulse_width() const;
  bus::Pwm& pwm() { return *pwm_; }

 private:
  std::unique_ptr<bus::Pwm> pwm_;
  Duration min_pulse_, max_pulse_, frame_;
  std::optional<double> value_;
};

/// How an AngularServo maps angles: min_angle at min_pulse_width, max_angle at max_pulse_width
/// (gpiozero's defaults: -90 and 90 degrees; swap them for a servo that turns the other way).
struct AngularServoOptions {
  std::optional<double> initial_angle = 0.0;
  double min_angle = -90;
  double max_angle = 90;
  TimeSpan min_pulse_width = 0.001;
  TimeSpan max_pulse_width = 0.002;
  TimeSpan frame_width = 0.020;
};

/// A Servo positioned in degrees. set_angle() outside [min_angle, max_angle] (either order) throws
/// pinfiber::Error EINVAL.
///
///   pinfiber::devices::AngularServo arm(17, {.min_angle = -45, .max_angle = 45});
///   arm.set_angle(30);
class AngularServo : public Servo {
 public:
  explicit AngularServo(unsigned bcm, const AngularServoOptions& options = {});
  explicit AngularServo(std::unique_ptr<bus::Pwm> pwm, const AngularServoOptions& options = {});

  void set_angle(std::optional<double> angle);
  std::optional<double> angle() const;
  double min_angle() const { return min_angle_; }
  double max_angle() const { return max_angle_; }

 private:
  double min_angle_, max_angle_;
};

}  // namespace pinfiber::devices
