// SoftPwm: one greenlet per output, sleeping to absolute deadlines on the hub's clock.

#include "pinfiber/bus/soft_pwm.hpp"

#include <cerrno>
#include <cmath>
#include <memory>

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/error.hpp"
#include "pinfiber/gpio/chip.hpp"

namespace pinfiber::bus {

namespace {

Duration period_of(double hz) {
  if (!(hz > 0) || !std::isfinite(hz))
    throw Error::exactly(EINVAL, "start software PWM: " + std::to_string(hz) + " Hz is not a positive frequency");
  return Duration(static_cast<Duration::rep>(std::llround(1e9 / hz)));
}

// Sleeps to `deadline` exactly: nothing wakes this greenlet but its timer (and a kill).
void sleep_until(TimePoint deadline) {
  while (Clock::now() < deadline) pinfiber::detail::park_until({"a software PWM edge"}, deadline);
}

}  // namespace

SoftPwm::SoftPwm(gpio::OutputLine line, double frequency)
    : line_(std::move(line)), name_("software PWM on " + line_.description()), period_(period_of(frequency)) {
  line_.set(false);
  runner_ = spawn_with(SpawnOptions{.name = "software PWM"}, [this] { run(); });
}

SoftPwm::SoftPwm(unsigned bcm, double frequency) : SoftPwm(gpio::Chip::default_chip().request_output(bcm), frequency) {}

SoftPwm::~SoftPwm() {
  try {
    runner_.kill();
  } catch (...) {
    // Killed ourselves while waiting (a Timeout, a kill): the greenlet still dies at its turn.
  }
  try {
    if (line_.requested()) line_.set(false);
  } catch (...) {
    // A destructor must not throw; the kernel keeps the line's last value once it is released.
  }
  line_.release();
}

void SoftPwm::changed() {
  ++generation_;
  waiting_.wake_all();
}

void SoftPwm::set_period(Duration period) {
  if (period <= Duration::zero()) throw Error::exactly(EINVAL, "set the period of " + name_ + ": it must be positive");
  period_ = period;
  changed();
}

void SoftPwm::set_duty_cycle(double duty) {
  if (!(duty >= 0 && duty <= 1))
    throw Error::exactly(EINVAL, "set the duty cycle of " + name_ + " to " + std::to_string(duty) + ": outside 0..1");
  duty_ = duty;
  changed();
}

void SoftPwm::run() {
  TimePoint start = Clock::now();
  for (;;) {
    if (duty_ <= 0 || duty_ >= 1) {
      // A steady level: set once, then sleep until something changes (no periodic wake-up).
      line_.set(duty_ >= 1);
      const std::uint64_t seen = generation_;
      waiting_.wait({"a software PWM duty cycle change"}, TimePoint::max(), [&] { return generation_ != seen; });
      start = Clock::now();
      continue;
    }
    const Duration period = period_;
    const auto high = Duration(static_cast<Duration::rep>(std::llround(static_cast<double>(period.count()) * duty_)));
    line_.set(true);
    if (high > Duration::zero()) sleep_until(start + high);
    line_.set(false);
    start += period;
    sleep_until(start);
    // More than a period late (the hub was held up): start afresh from now rather than make up the
    // missed periods with a burst of short pulses.
    if (Clock::now() - start >= period) {
      skipped_ += static_cast<std::uint64_t>((Clock::now() - start) / period);
      start = Clock::now();
    }
  }
}

}  // namespace pinfiber::bus
