#include "pinfiber/gpio/button.hpp"

#include <utility>

#include "gpio/state.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/gpio/error.hpp"

namespace pinfiber::gpio {

namespace {
InputSettings button_settings(const ButtonOptions& o) {
  InputSettings s;
  s.edge = Edge::both;
  s.bias = o.pull_up ? Bias::pull_up : Bias::pull_down;
  // Logical 1 = pressed, whichever way it is wired.
  s.active_low = o.pull_up;
  s.debounce = o.bounce;
  s.consumer = o.consumer;
  s.off_header = o.off_header;
  return s;
}
}  // namespace

Button::Button(unsigned bcm, ButtonOptions options)
    : Button(*std::make_unique<Chip>(Chip::default_chip()), bcm, std::move(options)) {}

Button::Button(Chip& chip, unsigned offset, ButtonOptions options)
    : options_(std::move(options)), line_(chip.request_input(offset, button_settings(options_))) {
  pressed_ = line_.get();
  changed_at_ = Clock::now();
  // The state follows the edges in the hub, whatever the callbacks do; no greenlet until a callback
  // is set.
  line_.state_->observer = [this](const EdgeEvent& ev) { return observe(ev); };
  line_.state_->start_dispatch();
}

Button::~Button() {
  // The line first: its handler greenlet ends, and no edge reaches the hold greenlet any more.
  line_.release();
  GreenletBase hold = std::exchange(hold_, GreenletBase());
  if (hold && hold.fiber() != getcurrent().fiber()) hold.kill();
}

bool Button::is_pressed() const { return line_.get(); }

bool Button::is_held() const { return pressed_ && Clock::now() - changed_at_ >= options_.hold_time.duration(); }

std::optional<Duration> Button::active_time() const {
  if (!pressed_) return std::nullopt;
  return Clock::now() - changed_at_;
}

std::optional<Duration> Button::inactive_time() const {
  if (pressed_) return std::nullopt;
  return Clock::now() - changed_at_;
}

std::optional<Duration> Button::held_time() const {
  if (!is_held()) return std::nullopt;
  return Clock::now() - (changed_at_ + options_.hold_time.duration());
}

bool Button::observe(const EdgeEvent& ev) {
  const bool pressed = ev.edge == Edge::rising;
  if (pressed == pressed_) return false;  // a lost edge: nothing changed as far as callers know
  pressed_ = pressed;
  changed_at_ = Clock::now();
  if (pressed) ++presses_;
  changed_.wake_all();
  return true;
}

void Button::run_callbacks(const EdgeEvent& ev) {
  // Held while it runs: the callback may replace itself.
  const Callback fn = ev.edge == Edge::rising ? when_pressed_ : when_released_;
  if (fn) (*fn)();
}

Button::Callback Button::make_callback(std::function<void()> fn) {
  return fn ? std::make_shared<const std::function<void()>>(std::move(fn)) : nullptr;
}

void Button::when_pressed(std::function<void()> fn) {
  when_pressed_ = make_callback(std::move(fn));
  if (when_pressed_ && !std::exchange(callbacks_, true))
    line_.on_edge([this](const EdgeEvent& ev) { run_callbacks(ev); });
}

void Button::when_released(std::function<void()> fn) {
  when_released_ = make_callback(std::move(fn));
  if (when_released_ && !std::exchange(callbacks_, true))
    line_.on_edge([this](const EdgeEvent& ev) { run_callbacks(ev); });
}

void Button::when_held(std::function<void()> fn) {
  when_held_ = make_callback(std::move(fn));
  if (when_held_ && !hold_) hold_ = spawn_with(SpawnOptions{.name = "button hold"}, [this] { run_hold(); });
}

// gpiozero's HoldThread: one for the button's life, not one per press. A release does not stop a
// when_held that runs; it only ends the repetition.
void Button::run_hold() {
  const Duration hold_time = options_.hold_time.duration();
  for (;;) {
    changed_.wait({"Button hold: a press"}, TimePoint::max(), [&] { return pressed_; });
    const std::uint64_t press = presses_;
    const auto released = [&] { return !pressed_ || presses_ != press; };
    TimePoint due = changed_at_ + hold_time;
    while (!changed_.wait({"Button hold: hold_time"}, due, released)) {
      if (const Callback fn = when_held_) (*fn)();
      if (!options_.hold_repeat) {
        changed_.wait({"Button hold: the release"}, TimePoint::max(), released);
        break;
      }
      due = Clock::now() + hold_time;  // after it returned, as gpiozero waits
    }
  }
}

bool Button::wait_for(bool pressed, Duration timeout, const char* what) {
  return changed_.wait({what}, deadline_in(timeout), [&] { return pressed_ == pressed; });
}

bool Button::wait_for_press(TimeSpan timeout) { return wait_for(true, timeout, "Button.wait_for_press"); }
bool Button::wait_for_release(TimeSpan timeout) { return wait_for(false, timeout, "Button.wait_for_release"); }

}  // namespace pinfiber::gpio
