#include "pinfiber/devices/pwm_output_device.hpp"

#include <cerrno>
#include <string>
#include <utility>

#include "blink_sequence.hpp"
#include "pinfiber/bus/soft_pwm.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

PwmOutputDevice::PwmOutputDevice(unsigned bcm, const PwmOutputOptions& options)
    : PwmOutputDevice(std::make_unique<bus::SoftPwm>(bcm, options.frequency), options) {}

PwmOutputDevice::PwmOutputDevice(std::unique_ptr<bus::Pwm> pwm, const PwmOutputOptions& options)
    : pwm_(std::move(pwm)), active_high_(options.active_high) {
  pwm_->set_frequency(options.frequency);
  set_value(options.initial_value);
}

PwmOutputDevice::~PwmOutputDevice() {
  try {
    stop_blink();
    apply(0);
  } catch (...) {
    // A destructor must not throw; the PWM output's own destructor still stops it.
  }
}

void PwmOutputDevice::apply(double value) {
  pwm_->set_duty_cycle(active_high_ ? value : 1 - value);
  value_ = value;
}

void PwmOutputDevice::set_value(double value) {
  if (!(value >= 0 && value <= 1))
    throw Error::exactly(EINVAL,
                         "set the value of " + pwm_->name() + " to " + std::to_string(value) + ": outside 0..1");
  stop_blink();
  apply(value);
}

void PwmOutputDevice::stop_blink() {
  if (!blinker_) return;
  GreenletBase b = std::exchange(blinker_, GreenletBase());
  if (b.fiber() != getcurrent().fiber()) b.kill();
}

void PwmOutputDevice::blink(TimeSpan on_time, TimeSpan off_time, TimeSpan fade_in_time, TimeSpan fade_out_time,
                            unsigned n, bool background) {
  stop_blink();
  auto run = [this, on = on_time.duration(), off = off_time.duration(), in = fade_in_time.duration(),
              out = fade_out_time.duration(), n] {
    struct Off {
      PwmOutputDevice& d;
      ~Off() {
        try {
          d.apply(0);  // killed mid-blink or done: off either way
        } catch (...) {
        }
      }
    } off_at_end{*this};
    detail::run_blink_sequence([this](double level) { apply(level); }, on, off, in, out, n);
  };
  if (!background) {
    run();
    return;
  }
  blinker_ = spawn_with(SpawnOptions{.name = "PWM blink"}, std::move(run));
}

void PwmOutputDevice::pulse(TimeSpan fade_in_time, TimeSpan fade_out_time, unsigned n, bool background) {
  blink(0, 0, fade_in_time, fade_out_time, n, background);
}

}  // namespace pinfiber::devices
