#pragma once
// The blink with fades of gpiozero's PWM devices (PWMOutputDevice.blink/pulse, RGBLED.blink/pulse):
// fade in over fade_in in steps of 1/25 s, hold `on_time` fully on, fade out likewise, hold
// `off_time` off; n times or forever. Shared by PwmOutputDevice and RgbLed, which turn a level in
// 0..1 into their own output.

#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::devices::detail {

/// gpiozero's fade rate: 25 steps per second, enough that a fading LED looks smooth to the eye and
/// few enough wake-ups for a Pi Zero.
inline constexpr int kFadeFps = 25;

/// Runs the sequence in the calling greenlet, calling set(level) at each step; returns after `n`
/// cycles (never when n is 0). Ends with set(0). Interrupts (a kill that stops the blink) propagate.
template <class Set>
void run_blink_sequence(Set&& set, Duration on_time, Duration off_time, Duration fade_in, Duration fade_out,
                        unsigned n) {
  const Duration step = Duration(std::chrono::seconds(1)) / kFadeFps;  // 40 ms
  const auto steps = [&](Duration fade) { return static_cast<long>(fade / step); };
  // Absolute deadlines: a cycle lasts exactly what it should, however late a step's wake-up was.
  TimePoint at = Clock::now();
  const auto until = [&](Duration d) {
    at += d;
    const Duration left = at - Clock::now();
    pinfiber::sleep(left > Duration::zero() ? left : Duration::zero());
  };
  for (unsigned i = 0; n == 0 || i < n; ++i) {
    for (long s = 0, k = steps(fade_in); s < k; ++s) {
      set(static_cast<double>(s) / static_cast<double>(k));
      until(step);
    }
    set(1.0);
    until(on_time);
    for (long s = 0, k = steps(fade_out); s < k; ++s) {
      set(1.0 - static_cast<double>(s) / static_cast<double>(k));
      until(step);
    }
    set(0.0);
    until(off_time);
  }
}

}  // namespace pinfiber::devices::detail
