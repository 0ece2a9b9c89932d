#pragma once
// Button: a push button on an input line, gpiozero-style.

#include <cstdint>
#include <functional>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::gpio {

/// How a Button is wired and how it reacts.
struct ButtonOptions {
  /// true: the button connects the pin to ground and the internal pull-up holds it high (pressed =
  /// low); false: to 3V3 with the pull-down (pressed = high). gpiozero's default, and story 10's wiring.
  bool pull_up = true;
  /// Debounce period (by the kernel where the backend can, else in software); zero reports every
  /// raw edge.
  TimeSpan bounce = Duration::zero();
  /// How long the button must stay pressed before when_held runs.
  TimeSpan hold_time = std::chrono::seconds(1);
  /// Run when_held again every hold_time while the button stays pressed.
  bool hold_repeat = false;
  std::string consumer = "pinfiber-button";
  /// Allows a line off the board's 40-pin header (InputSettings::off_header).
  bool off_header = false;
};

/// A push button. Callbacks run in greenlets (one per event); waits block only the calling greenlet.
/// Not movable: its handlers refer to it.
///
///   pinfiber::gpio::Button button(chip, 4, {.bounce = 20ms});
///   pin.drive_low();  EXPECT_TRUE(button.is_pressed());
///   button.when_pressed([] { led.on(); });
class Button {
 public:
  /// A button on BCM GPIO `bcm` of Chip::default_chip(). Throws GpioError as Chip::request_input.
  explicit Button(unsigned bcm, ButtonOptions options = {});
  /// A button on line `offset` of `chip`. Throws GpioError as Chip::request_input.
  Button(Chip& chip, unsigned offset, ButtonOptions options = {});
  Button(const Button&) = delete;
  Button& operator=(const Button&) = delete;
  /// Stops its greenlets (callbacks running now are killed) and releases the line.
  ~Button();

  /// Whether it is pressed now (the line's level, read now). Never blocks.
  bool is_pressed() const;
  /// Whether it has been pressed for at least hold_time (and when_held ran). Never blocks.
  bool is_held() const { return held_; }
  /// How many presses were reported since it was made.
  std::uint64_t press_count() const { return presses_; }

  /// Blocks the calling greenlet until the button is pressed (at once if it is), or `timeout`
  /// passes; returns false on timeout. Throws the caller's interrupts (kill, Timeout).
  bool wait_for_press(TimeSpan timeout = forever);
  /// The same for a release.
  bool wait_for_release(TimeSpan timeout = forever);

  /// Runs `fn` (in a greenlet) on each press / release / hold; an empty function removes it.
  void when_pressed(std::function<void()> fn) { when_pressed_ = std::move(fn); }
  void when_released(std::function<void()> fn) { when_released_ = std::move(fn); }
  void when_held(std::function<void()> fn) { when_held_ = std::move(fn); }

  /// The underlying line (for its offset, lost_count(), ...).
  InputLine& line() { return line_; }

 private:
  void on_event(const EdgeEvent& ev);
  bool wait_for(bool pressed, Duration timeout, const char* what);

  ButtonOptions options_;
  InputLine line_;
  bool pressed_ = false;  // as last reported by an event
  bool held_ = false;
  std::uint64_t presses_ = 0;
  pinfiber::detail::WaitList changed_;
  GreenletBase hold_;
  std::function<void()> when_pressed_, when_released_, when_held_;
};

}  // namespace pinfiber::gpio
