#pragma once
// RgbLed: a full-colour LED with a PWM output per colour (gpiozero's RGBLED).

#include <memory>

#include "pinfiber/bus/pwm.hpp"
#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"

namespace pinfiber::devices {

/// A colour: red, green and blue, each 0..1.
struct Color {
  double red = 0, green = 0, blue = 0;
  friend bool operator==(const Color&, const Color&) = default;
};

/// How an RgbLed is wired.
struct RgbLedOptions {
  /// true: common cathode (a colour lights when its pin is high); false: common anode.
  bool active_high = true;
  Color initial_value{};
  double frequency = 100;
};

/// Three PWM-driven LEDs in one package: a colour instead of a value; on() is white, off() black,
/// toggle() the complement; blink() and pulse() fade between `off_color` and `on_color` in a
/// background greenlet that any other call cancels. Off when destroyed. Never blocks but blink/pulse
/// with background = false. Errors: pinfiber::Error EINVAL for a component outside 0..1.
///
///   pinfiber::devices::RgbLed led(9, 10, 11);
///   led.set_color({1, 0.5, 0});                 // orange
///   led.pulse(1, 1, {0, 0, 1});                 // breathing blue
class RgbLed {
 public:
  /// Software PWM on BCM GPIOs `red`, `green`, `blue` of the default chip.
  RgbLed(unsigned red, unsigned green, unsigned blue, const RgbLedOptions& options = {});
  RgbLed(std::unique_ptr<bus::Pwm> red, std::unique_ptr<bus::Pwm> green, std::unique_ptr<bus::Pwm> blue,
         const RgbLedOptions& options = {});
  RgbLed(const RgbLed&) = delete;
  RgbLed& operator=(const RgbLed&) = delete;
  ~RgbLed();

  void on() { set_color({1, 1, 1}); }
  void off() { set_color({0, 0, 0}); }
  void toggle() { set_color({1 - color_.red, 1 - color_.green, 1 - color_.blue}); }
  void set_color(Color c);
  Color color() const { return color_; }
  bool is_lit() const { return color_ != Color{}; }

  /// gpiozero's RGBLED.blink: fade from off_color to on_color over fade_in_time, hold on_time, fade
  /// back over fade_out_time, hold off_time; `n` times (0: forever).
  void blink(TimeSpan on_time = 1, TimeSpan off_time = 1, TimeSpan fade_in_time = 0, TimeSpan fade_out_time = 0,
             Color on_color = {1, 1, 1}, Color off_color = {}, unsigned n = 0, bool background = true);
  void pulse(TimeSpan fade_in_time = 1, TimeSpan fade_out_time = 1, Color on_color = {1, 1, 1}, Color off_color = {},
             unsigned n = 0, bool background = true);
  bool is_blinking() const { return blinker_ && !blinker_.dead(); }

 private:
  void apply(Color c);
  void stop_blink();

  std::unique_ptr<bus::Pwm> pwm_[3];
  bool active_high_;
  Color color_{};
  GreenletBase blinker_;
};

}  // namespace pinfiber::devices
