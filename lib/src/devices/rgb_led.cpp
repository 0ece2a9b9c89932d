#include "pinfiber/devices/rgb_led.hpp"

#include <cerrno>
#include <string>
#include <utility>

#include "blink_sequence.hpp"
#include "pinfiber/bus/soft_pwm.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

RgbLed::RgbLed(unsigned red, unsigned green, unsigned blue, const RgbLedOptions& options)
    : RgbLed(std::make_unique<bus::SoftPwm>(red, options.frequency),
             std::make_unique<bus::SoftPwm>(green, options.frequency),
             std::make_unique<bus::SoftPwm>(blue, options.frequency), options) {}

RgbLed::RgbLed(std::unique_ptr<bus::Pwm> red, std::unique_ptr<bus::Pwm> green, std::unique_ptr<bus::Pwm> blue,
               const RgbLedOptions& options)
    : pwm_{std::move(red), std::move(green), std::move(blue)}, active_high_(options.active_high) {
  for (auto& p : pwm_) p->set_frequency(options.frequency);
  set_color(options.initial_value);
}

RgbLed::~RgbLed() {
  try {
    stop_blink();
    apply({});
  } catch (...) {
  }
}

void RgbLed::apply(Color c) {
  const double v[3] = {c.red, c.green, c.blue};
  for (int i = 0; i < 3; ++i) pwm_[i]->set_duty_cycle(active_high_ ? v[i] : 1 - v[i]);
  color_ = c;
}

void RgbLed::set_color(Color c) {
  for (double v : {c.red, c.green, c.blue}) {
    if (!(v >= 0 && v <= 1))
      throw Error::exactly(EINVAL, "set the colour of the RGB LED on " + pwm_[0]->name() + ": " + std::to_string(v) +
                                       " is outside 0..1");
  }
  stop_blink();
  apply(c);
}

void RgbLed::stop_blink() {
  if (!blinker_) return;
  GreenletBase b = std::exchange(blinker_, GreenletBase());
  if (b.fiber() != getcurrent().fiber()) b.kill();
}

void RgbLed::blink(TimeSpan on_time, TimeSpan off_time, TimeSpan fade_in_time, TimeSpan fade_out_time, Color on_color,
                   Color off_color, unsigned n, bool background) {
  stop_blink();
  auto run = [this, on = on_time.duration(), off = off_time.duration(), in = fade_in_time.duration(),
              out = fade_out_time.duration(), on_color, off_color, n] {
    struct Off {
      RgbLed& led;
      ~Off() {
        try {
          led.apply({});
        } catch (...) {
        }
      }
    } off_at_end{*this};
    const auto mix = [&](double a, double b, double level) { return a + (b - a) * level; };
    detail::run_blink_sequence(
        [&](double level) {
          apply({mix(off_color.red, on_color.red, level), mix(off_color.green, on_color.green, level),
                 mix(off_color.blue, on_color.blue, level)});
        },
        on, off, in, out, n);
  };
  if (!background) {
    run();
    return;
  }
  blinker_ = spawn_with(SpawnOptions{.name = "RGB LED blink"}, std::move(run));
}

void RgbLed::pulse(TimeSpan fade_in_time, TimeSpan fade_out_time, Color on_color, Color off_color, unsigned n,
                   bool background) {
  blink(0, 0, fade_in_time, fade_out_time, on_color, off_color, n, background);
}

}  // namespace pinfiber::devices
