#pragma once
// SoftPwm: PWM on any GPIO output line, its edges timed by the hub's precise timers.

#include <cstdint>
#include <string>

#include "pinfiber/bus/pwm.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::bus {

/// Software PWM: a greenlet sets the line high at the start of every period and low `duty * period`
/// later, each edge at an absolute deadline on the hub's clock (so errors never accumulate: a late
/// edge does not delay the next). The hub's timers wake epoll_wait through a timerfd, so edges are
/// as punctual as the kernel's hrtimers and the hub's load allow: docs/peripherals.md has the
/// measured jitter against a dedicated clock_nanosleep thread (bench/pwm_jitter.cpp). Other
/// greenlets that run long without blocking delay edges - hardware PWM (SysfsPwm) has no jitter at
/// all, so prefer it for servos on BCM 12/13/18/19. At a duty cycle of 0 or 1 the greenlet sets the
/// level once and sleeps until the next change: a steady output costs no wake-ups. A new duty cycle
/// or period takes effect at the next period's start. Destroying it stops the pulses, sets the line
/// low and releases it (a user's PWMLED, motor or buzzer is off when its object goes away).
///
///   pinfiber::bus::SoftPwm pwm(chip.request_output(18), 1000);   // 1 kHz
///   pwm.set_duty_cycle(0.5);
class SoftPwm final : public Pwm {
 public:
  /// PWM on `line` (taken over) at `frequency` Hz, duty cycle 0 (low). Throws pinfiber::Error EINVAL
  /// for a frequency that is not positive.
  explicit SoftPwm(gpio::OutputLine line, double frequency = 100);
  /// PWM on BCM GPIO `bcm` of gpio::Chip::default_chip(). Throws GpioError as Chip::request_output.
  explicit SoftPwm(unsigned bcm, double frequency = 100);
  SoftPwm(const SoftPwm&) = delete;
  SoftPwm& operator=(const SoftPwm&) = delete;
  /// Stops the pulses (killing the greenlet takes one turn of the hub), sets the line low, releases it.
  ~SoftPwm() override;

  const std::string& name() const override { return name_; }
  void set_period(Duration period) override;
  Duration period() const override { return period_; }
  void set_duty_cycle(double duty) override;
  double duty_cycle() const override { return duty_; }

  gpio::OutputLine& line() { return line_; }
  /// Periods whose start was more than a whole period late (the hub was busy): skipped, not made up.
  std::uint64_t skipped_periods() const { return skipped_; }

 private:
  void run();
  void changed();

  gpio::OutputLine line_;
  std::string name_;
  Duration period_;
  double duty_ = 0;
  std::uint64_t generation_ = 0;  // counts changes, for the greenlet that sleeps at 0 or 1
  std::uint64_t skipped_ = 0;
  pinfiber::detail::WaitList waiting_;
  GreenletBase runner_;
};

}  // namespace pinfiber::bus
