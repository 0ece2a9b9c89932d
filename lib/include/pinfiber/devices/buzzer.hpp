#pragma once
// Buzzer: an active buzzer on an output line (gpiozero's Buzzer, a digital output: it sounds its own
// tone when powered).

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/led.hpp"

namespace pinfiber::devices {

/// How a Buzzer is wired.
struct BuzzerOptions {
  /// true: it sounds when the pin is high.
  bool active_high = true;
  bool initially_on = false;
};

/// An active buzzer: on(), off(), toggle(), beep() in a background greenlet that the others cancel.
/// Silent when destroyed (safe on exit). Never blocks but beep(..., background = false), which
/// blocks the caller for the whole beep. Errors: GpioError.
///
///   pinfiber::devices::Buzzer buzzer(22);
///   buzzer.beep(0.1, 0.1, 3);                  // three short beeps, in the background
class Buzzer {
 public:
  /// On BCM GPIO `bcm` of the default chip / line `offset` of `chip`. Throws GpioError.
  explicit Buzzer(unsigned bcm, const BuzzerOptions& options = {});
  Buzzer(gpio::Chip& chip, unsigned offset, const BuzzerOptions& options = {});

  void on() { out_.on(); }
  void off() { out_.off(); }
  void toggle() { out_.toggle(); }
  bool is_active() const { return out_.is_lit(); }
  /// Sounds `n` times (0: until stopped) for `on_time`, silent `off_time` in between. Ends silent.
  void beep(TimeSpan on_time = 1, TimeSpan off_time = 1, unsigned n = 0, bool background = true) {
    out_.blink(on_time, off_time, n, background);
  }
  bool is_beeping() const { return out_.is_blinking(); }
  gpio::OutputLine& line() { return out_.line(); }

 private:
  // A Led has exactly the digital output's behaviour: a background blink, off when destroyed.
  gpio::Led out_;
};

}  // namespace pinfiber::devices
