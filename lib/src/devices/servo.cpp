#include "pinfiber/devices/servo.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <utility>

#include "pinfiber/bus/soft_pwm.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

Servo::Servo(unsigned bcm, const ServoOptions& options)
    : Servo(std::make_unique<bus::SoftPwm>(bcm, 1.0 / options.frame_width.seconds()), options) {}

Servo::Servo(std::unique_ptr<bus::Pwm> pwm, const ServoOptions& options)
    : pwm_(std::move(pwm)),
      min_pulse_(options.min_pulse_width),
      max_pulse_(options.max_pulse_width),
      frame_(options.frame_width) {
  if (min_pulse_ <= Duration::zero() || max_pulse_ <= Duration::zero() || min_pulse_ >= frame_ || max_pulse_ >= frame_)
    throw Error::exactly(
        EINVAL, "set up a servo on " + pwm_->name() + ": the pulse widths must be positive and shorter than the frame");
  pwm_->set_period(frame_);
  set_value(options.initial_value);
}

Servo::~Servo() {
  try {
    pwm_->set_duty_cycle(0);  // limp, not holding a position nobody will change
  } catch (...) {
  }
}

Duration Servo::pulse_width() const {
  if (!value_) return Duration::zero();
  return min_pulse_ + Duration(static_cast<Duration::rep>((*value_ + 1) / 2 *
                                                          static_cast<double>((max_pulse_ - min_pulse_).count())));
}

void Servo::set_value(std::optional<double> value) {
  if (value && !(*value >= -1 && *value <= 1))
    throw Error::exactly(EINVAL, "set servo on " + pwm_->name() + " to " + std::to_string(*value) + ": outside -1..1");
  const std::optional<double> before = std::exchange(value_, value);
  try {
    pwm_->set_duty_cycle(static_cast<double>(pulse_width().count()) / static_cast<double>(frame_.count()));
  } catch (...) {
    value_ = before;
    throw;
  }
}

namespace {
ServoOptions servo_options(const AngularServoOptions& o) {
  std::optional<double> value;
  if (o.initial_angle) value = (*o.initial_angle - o.min_angle) / (o.max_angle - o.min_angle) * 2 - 1;
  return {.initial_value = value,
          .min_pulse_width = o.min_pulse_width,
          .max_pulse_width = o.max_pulse_width,
          .frame_width = o.frame_width};
}
void check_angles(const AngularServoOptions& o) {
  if (!(o.min_angle != o.max_angle))
    throw Error::exactly(EINVAL, "set up an angular servo: min_angle and max_angle must differ");
}
}  // namespace

AngularServo::AngularServo(unsigned bcm, const AngularServoOptions& options)
    : Servo((check_angles(options), bcm), servo_options(options)),
      min_angle_(options.min_angle),
      max_angle_(options.max_angle) {}

AngularServo::AngularServo(std::unique_ptr<bus::Pwm> pwm, const AngularServoOptions& options)
    : Servo((check_angles(options), std::move(pwm)), servo_options(options)),
      min_angle_(options.min_angle),
      max_angle_(options.max_angle) {}

void AngularServo::set_angle(std::optional<double> angle) {
  if (!angle) return set_value(std::nullopt);
  const double lo = std::min(min_angle_, max_angle_), hi = std::max(min_angle_, max_angle_);
  if (!(*angle >= lo && *angle <= hi))
    throw Error::exactly(EINVAL, "set servo on " + pwm().name() + " to " + std::to_string(*angle) +
                                     " degrees: outside " + std::to_string(lo) + ".." + std::to_string(hi));
  set_value((*angle - min_angle_) / (max_angle_ - min_angle_) * 2 - 1);
}

std::optional<double> AngularServo::angle() const {
  if (!value()) return std::nullopt;
  return min_angle_ + (*value() + 1) / 2 * (max_angle_ - min_angle_);
}

}  // namespace pinfiber::devices
