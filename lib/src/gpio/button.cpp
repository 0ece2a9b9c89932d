#include "pinfiber/gpio/button.hpp"

#include <utility>

#include "pinfiber/core/sleep.hpp"
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
  line_.on_edge([this](const EdgeEvent& ev) { on_event(ev); });
}

Button::~Button() {
  // The line first: its handler greenlets could otherwise start a new hold timer meanwhile.
  line_.release();
  GreenletBase hold = std::exchange(hold_, GreenletBase());
  if (hold && hold.fiber() != getcurrent().fiber()) hold.kill();
}

bool Button::is_pressed() const { return line_.get(); }

void Button::on_event(const EdgeEvent& ev) {
  const bool pressed = ev.edge == Edge::rising;
  if (pressed == pressed_) return;  // a lost edge: nothing changed as far as callers know
  pressed_ = pressed;
  changed_.wake_all();
  if (pressed) {
    ++presses_;
    hold_ = spawn_with(SpawnOptions{.name = "button hold timer"}, [this] {
      pinfiber::sleep(options_.hold_time);
      while (pressed_) {
        held_ = true;
        if (when_held_) when_held_();
        if (!options_.hold_repeat) break;
        pinfiber::sleep(options_.hold_time);
      }
    });
    if (when_pressed_) when_pressed_();
  } else {
    held_ = false;
    // A local handle: kill() blocks, and another event may replace hold_ meanwhile.
    GreenletBase hold = std::exchange(hold_, GreenletBase());
    if (hold && hold.fiber() != getcurrent().fiber()) hold.kill();
    if (when_released_) when_released_();
  }
}

bool Button::wait_for(bool pressed, Duration timeout, const char* what) {
  return changed_.wait({what}, deadline_in(timeout), [&] { return pressed_ == pressed; });
}

bool Button::wait_for_press(TimeSpan timeout) { return wait_for(true, timeout, "Button.wait_for_press"); }
bool Button::wait_for_release(TimeSpan timeout) { return wait_for(false, timeout, "Button.wait_for_release"); }

}  // namespace pinfiber::gpio
