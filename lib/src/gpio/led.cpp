#include "pinfiber/gpio/led.hpp"

#include "pinfiber/core/sleep.hpp"

namespace pinfiber::gpio {

namespace {
OutputSettings led_settings(const LedOptions& o) {
  OutputSettings s;
  s.initial_value = o.initially_lit;
  s.active_low = !o.active_high;
  s.consumer = o.consumer;
  s.off_header = o.off_header;
  return s;
}
}  // namespace

Led::Led(unsigned bcm, LedOptions options)
    : Led(*std::make_unique<Chip>(Chip::default_chip()), bcm, std::move(options)) {}

Led::Led(Chip& chip, unsigned offset, LedOptions options) : line_(chip.request_output(offset, led_settings(options))) {}

Led::~Led() {
  try {
    stop_blink();
    if (line_.requested()) line_.set(false);
  } catch (...) {
    // A destructor must not throw; the line is released below, and the kernel keeps its last value.
  }
  line_.release();
}

void Led::stop_blink() {
  if (!blinker_) return;
  GreenletBase b = std::exchange(blinker_, GreenletBase());
  if (b.fiber() != getcurrent().fiber()) b.kill();
}

void Led::on() {
  stop_blink();
  line_.set(true);
}

void Led::off() {
  stop_blink();
  line_.set(false);
}

void Led::toggle() {
  stop_blink();
  line_.toggle();
}

bool Led::is_lit() const { return line_.get(); }

void Led::run_blink(Duration on_time, Duration off_time, unsigned n) {
  struct Dark {
    OutputLine& line;
    // Killed mid-blink (off(), the destructor) or finished: the LED ends dark either way.
    ~Dark() {
      try {
        if (line.requested()) line.set(false);
      } catch (...) {
      }
    }
  } dark{line_};
  for (unsigned i = 0; n == 0 || i < n; ++i) {
    line_.set(true);
    pinfiber::sleep(on_time);
    line_.set(false);
    pinfiber::sleep(off_time);
  }
}

void Led::blink(TimeSpan on_time, TimeSpan off_time, unsigned n, bool background) {
  stop_blink();
  if (!background) {
    run_blink(on_time, off_time, n);
    return;
  }
  blinker_ =
      spawn_with(SpawnOptions{.name = "led blink"}, [this, on_time, off_time, n] { run_blink(on_time, off_time, n); });
}

}  // namespace pinfiber::gpio
