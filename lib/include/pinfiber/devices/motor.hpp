#pragma once
// Motor: a DC motor on an H-bridge (L298N, DRV8833, ...) with a forward and a backward input
// (gpiozero's Motor with pwm=True).

#include <memory>

#include "pinfiber/bus/pwm.hpp"

namespace pinfiber::devices {

/// A motor driven by two PWM inputs of an H-bridge: value 1 is full speed forward (the forward
/// input pulsed, the backward one low), -1 full speed backward, 0 stopped (both low). Stopped when
/// destroyed (safe on exit). Never blocks. Errors: pinfiber::Error EINVAL for a speed outside 0..1
/// (a value outside -1..1); BusError/GpioError from the outputs.
///
///   pinfiber::devices::Motor motor(4, 14);        // forward on BCM 4, backward on BCM 14
///   motor.forward(0.5);  motor.reverse();  motor.stop();
class Motor {
 public:
  /// Software PWM at `frequency` Hz on BCM GPIOs `forward` and `backward` of the default chip.
  Motor(unsigned forward, unsigned backward, double frequency = 100);
  /// On two PWM outputs, taken over.
  Motor(std::unique_ptr<bus::Pwm> forward, std::unique_ptr<bus::Pwm> backward);
  Motor(const Motor&) = delete;
  Motor& operator=(const Motor&) = delete;
  ~Motor();

  /// Turns forward / backward at `speed`, 0..1.
  void forward(double speed = 1);
  void backward(double speed = 1);
  /// Both inputs low: the bridge lets the motor coast.
  void stop() { set_value(0); }
  /// Same speed, the other way.
  void reverse() { set_value(-value_); }
  /// -1..1: the direction and speed.
  void set_value(double value);
  double value() const { return value_; }
  bool is_active() const { return value_ != 0; }

 private:
  std::unique_ptr<bus::Pwm> forward_, backward_;
  double value_ = 0;
};

}  // namespace pinfiber::devices
