#pragma once
// Button: a push button on an input line, gpiozero-style.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

/// A push button. Its state (is_held, active_time, wait_for_press...) follows each edge as the hub
/// reads it. when_pressed and when_released run one after another, in the order of the edges, in the
/// line's one handler greenlet; when_held runs in the button's hold greenlet (made when when_held is
/// first set), so a long when_held neither delays nor is cut short by a release - gpiozero's threads.
/// No greenlet is spawned per press. Not movable: its handlers refer to it.
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
  /// gpiozero's names for it: value() is 1 while pressed; is_active() is is_pressed().
  int value() const { return is_pressed() ? 1 : 0; }
  bool is_active() const { return is_pressed(); }
  /// Whether it has been pressed for at least hold_time (when_held, if set, has run for this press
  /// or is about to). Never blocks.
  bool is_held() const;
  /// How many presses were reported since it was made.
  std::uint64_t press_count() const { return presses_; }
  /// How long it has been pressed, from the press the hub read (hub clock); nothing while released.
  std::optional<Duration> active_time() const;
  /// How long it has been released, from the release the hub read, or from its making if it was not
  /// pressed then; nothing while pressed.
  std::optional<Duration> inactive_time() const;
  /// How long it has been held: from when it became held (hold_time after the press, when when_held
  /// first runs), as gpiozero counts; nothing while not held.
  std::optional<Duration> held_time() const;

  /// Blocks the calling greenlet until the button is pressed (at once if it is), or `timeout`
  /// passes; returns false on timeout. Throws the caller's interrupts (kill, Timeout).
  bool wait_for_press(TimeSpan timeout = forever);
  /// The same for a release.
  bool wait_for_release(TimeSpan timeout = forever);

  /// Runs `fn` on each press / release (in the line's handler greenlet, in order; may block, later
  /// events wait) or hold (in the hold greenlet: it runs to its end even if the button is released
  /// meanwhile; hold_repeat runs it again every hold_time after it returned, while the same press
  /// lasts). An empty function removes it. An exception escaping one is reported like a greenlet's.
  void when_pressed(std::function<void()> fn);
  void when_released(std::function<void()> fn);
  void when_held(std::function<void()> fn);

  /// The underlying line (for its offset, lost_count(), ...).
  InputLine& line() { return line_; }

 private:
  using Callback = std::shared_ptr<const std::function<void()>>;
  bool observe(const EdgeEvent& ev);  // in the hub: state and waiters
  void run_callbacks(const EdgeEvent& ev);
  void run_hold();
  bool wait_for(bool pressed, Duration timeout, const char* what);
  static Callback make_callback(std::function<void()> fn);

  ButtonOptions options_;
  InputLine line_;
  bool pressed_ = false;  // as last reported by an event
  std::uint64_t presses_ = 0;
  TimePoint changed_at_;    // when pressed_ last changed (hub clock)
  bool callbacks_ = false;  // the line's handler is installed
  pinfiber::detail::WaitList changed_;
  GreenletBase hold_;
  Callback when_pressed_, when_released_, when_held_;
};

}  // namespace pinfiber::gpio
