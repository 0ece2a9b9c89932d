#include "pinfiber/devices/motor.hpp"

#include <cerrno>
#include <string>

#include "pinfiber/bus/soft_pwm.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

Motor::Motor(unsigned forward, unsigned backward, double frequency)
    : Motor(std::make_unique<bus::SoftPwm>(forward, frequency), std::make_unique<bus::SoftPwm>(backward, frequency)) {}

Motor::Motor(std::unique_ptr<bus::Pwm> forward, std::unique_ptr<bus::Pwm> backward)
    : forward_(std::move(forward)), backward_(std::move(backward)) {
  forward_->set_duty_cycle(0);
  backward_->set_duty_cycle(0);
}

Motor::~Motor() {
  try {
    stop();
  } catch (...) {
    // The outputs' own destructors still turn them off.
  }
}

void Motor::forward(double speed) {
  if (!(speed >= 0 && speed <= 1))
    throw Error::exactly(EINVAL, "run the motor on " + forward_->name() + " forward at " + std::to_string(speed) +
                                     ": the speed must be 0..1");
  set_value(speed);
}

void Motor::backward(double speed) {
  if (!(speed >= 0 && speed <= 1))
    throw Error::exactly(EINVAL, "run the motor on " + backward_->name() + " backward at " + std::to_string(speed) +
                                     ": the speed must be 0..1");
  set_value(-speed);
}

void Motor::set_value(double value) {
  if (!(value >= -1 && value <= 1))
    throw Error::exactly(EINVAL,
                         "set the motor on " + forward_->name() + " to " + std::to_string(value) + ": outside -1..1");
  // The input that goes to zero first: both are never driven at once, which on some bridges
  // (L298N) brakes hard and on others shorts the supply.
  if (value >= 0) {
    backward_->set_duty_cycle(0);
    forward_->set_duty_cycle(value);
  } else {
    forward_->set_duty_cycle(0);
    backward_->set_duty_cycle(-value);
  }
  value_ = value;
}

}  // namespace pinfiber::devices
