#include "pinfiber/devices/mock_hc_sr04.hpp"

#include <cmath>

#include "pinfiber/core/sleep.hpp"

namespace pinfiber::devices {

MockHcSr04::MockHcSr04(gpio::MockPin& trigger, gpio::MockPin& echo, double distance) : trigger_(trigger), echo_(echo) {
  set_distance(distance);
  echo_.drive_low();
  trigger_.watch([this](bool level) { on_trigger(level); });
}

MockHcSr04::~MockHcSr04() {
  trigger_.watch({});
  try {
    if (echoing_) echoing_.kill();
  } catch (...) {
  }
  echo_.release_drive();
}

void MockHcSr04::set_distance(double metres) {
  width_ = Duration(static_cast<Duration::rep>(std::llround(2 * metres / 343.26 * 1e9)));
}

void MockHcSr04::on_trigger(bool level) {
  if (level) {
    rose_at_ = Clock::now();
    return;
  }
  if (Clock::now() - rose_at_ < std::chrono::microseconds(10)) {
    ++short_triggers_;
    return;
  }
  ++triggers_;
  if (!width_ || (echoing_ && !echoing_.dead())) return;  // busy with an echo: ignored, as the module does
  // The watcher runs inside the driver's set(): it must not block, so a greenlet plays the echo.
  echoing_ = spawn_with(SpawnOptions{.name = "mock HC-SR04 echo"}, [this, width = *width_, delay = delay_] {
    pinfiber::sleep(delay);
    echo_.drive_high();
    pinfiber::sleep(width);
    echo_.drive_low();
  });
}

}  // namespace pinfiber::devices
