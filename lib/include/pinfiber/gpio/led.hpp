#pragma once
// Led: an LED on an output line, gpiozero-style.

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::gpio {

/// How an Led is wired.
struct LedOptions {
  /// true: the LED lights when the pin is high (pin -> resistor -> LED -> ground).
  bool active_high = true;
  /// Lit from the start.
  bool initially_lit = false;
  std::string consumer = "pinfiber-led";
  /// Allows a line off the board's 40-pin header (InputSettings::off_header).
  bool off_header = false;
};

/// An LED. blink() runs in a background greenlet that on(), off(), toggle() and another blink()
/// cancel. Destroying it turns it off (the safe state) and releases the line. Not movable.
///
///   pinfiber::gpio::Led led(chip, 17);
///   led.on();  EXPECT_TRUE(led_pin.level());
///   led.blink(100ms, 900ms, 3);                          // returns at once; blinks 3 times
class Led {
 public:
  /// An LED on BCM GPIO `bcm` of Chip::default_chip(). Throws GpioError as Chip::request_output.
  explicit Led(unsigned bcm, LedOptions options = {});
  /// An LED on line `offset` of `chip`. Throws GpioError as Chip::request_output.
  Led(Chip& chip, unsigned offset, LedOptions options = {});
  Led(const Led&) = delete;
  Led& operator=(const Led&) = delete;
  /// Stops blinking, turns it off, releases the line.
  ~Led();

  /// Light it / put it out / invert it; each stops a blink first. Never block (except to end a
  /// blink greenlet, which takes one turn). Throw GpioError if the write fails.
  void on();
  void off();
  void toggle();
  /// Whether it is lit now.
  bool is_lit() const;
  /// gpiozero's names for it: value() is 1 while lit; is_active() is is_lit(). Never block.
  int value() const { return is_lit() ? 1 : 0; }
  bool is_active() const { return is_lit(); }
  /// Blinks `n` times (0: until stopped): lit for `on_time`, dark for `off_time`. With `background`
  /// (the default) it returns at once and a greenlet blinks; otherwise it blocks the caller for the
  /// whole blink. Ends dark.
  void blink(TimeSpan on_time = std::chrono::seconds(1), TimeSpan off_time = std::chrono::seconds(1), unsigned n = 0,
             bool background = true);
  /// True while a background blink runs.
  bool is_blinking() const { return blinker_ && !blinker_.dead(); }

  OutputLine& line() { return line_; }

 private:
  void stop_blink();
  void run_blink(Duration on_time, Duration off_time, unsigned n);

  OutputLine line_;
  GreenletBase blinker_;
};

}  // namespace pinfiber::gpio
