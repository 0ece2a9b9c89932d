// Software PWM edge jitter: pinfiber's SoftPwm (a greenlet sleeping to absolute deadlines on the
// hub) against a dedicated thread that toggles a line of its own with clock_nanosleep(TIMER_ABSTIME),
// the best a plain program can do without a real-time scheduling class.
//
// Both drive a line of the mock GPIO backend (the same code path from set() to the recorded level,
// its timestamp taken by the mock at the moment of the change), at a 50 % duty cycle. The jitter
// of an edge is |its time since the edge before - half a period|: how far each high and each low
// time is from what it should be. Blocks of the two alternate in one run, so the machine's load
// weighs on both alike. Printed: p50, p99 and max per side, and the ratio of p99s.
//
//   bench_pwm_jitter [frequency_hz=100] [seconds_per_block=1] [blocks=5]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "pinfiber/pinfiber.hpp"

namespace {

using pinfiber::Duration;
using pinfiber::gpio::MockPin;

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// Deviations (us) of the pin's high and low times from half a period each (50 % duty): the error of
// each edge relative to the one before it. A measure of the output itself, which needs no guess at
// when the first edge was due and stays meaningful across a period the software PWM skipped (that
// period's long low time counts as the error it is).
template <class History>
void deviations(const History& history, Duration period, std::vector<double>& out) {
  auto first = std::find_if(history.begin(), history.end(), [](const MockPin::Change& c) { return c.level; });
  if (first == history.end()) return;
  for (auto it = first; it + 1 != history.end(); ++it) {
    const Duration interval = (it + 1)->at - it->at;
    out.push_back(std::abs(std::chrono::duration<double, std::micro>(interval - period / 2).count()));
  }
}

void soft_pwm_block(double hz, Duration length, std::vector<double>& out) {
  pinfiber::gpio::MockBackend mock(pinfiber::gpio::boards::raspberry_pi_zero_w());
  pinfiber::gpio::Chip chip("gpiochip0", mock);
  MockPin& pin = mock.chip(0).pin(18);
  {
    pinfiber::bus::SoftPwm pwm(chip.request_output(18), hz);
    pwm.set_duty_cycle(0.5);
    pinfiber::sleep(length);
  }
  deviations(pin.history(), Duration(static_cast<Duration::rep>(1e9 / hz)), out);
}

// The peer: a thread of its own (with its own hub and mock, as a thread of a real program would have
// its own line request), toggling its line at absolute deadlines with clock_nanosleep.
void nanosleep_block(double hz, Duration length, std::vector<double>& out) {
  std::thread t([&] {
    pinfiber::gpio::MockBackend mock(pinfiber::gpio::boards::raspberry_pi_zero_w());
    pinfiber::gpio::Chip chip("gpiochip0", mock);
    MockPin& pin = mock.chip(0).pin(18);
    {
      auto line = chip.request_output(18);
      const Duration half(static_cast<Duration::rep>(1e9 / hz / 2));
      const auto end = std::chrono::steady_clock::now() + length;
      auto deadline = std::chrono::steady_clock::now();
      bool level = true;
      while (deadline < end) {
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
        timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
        while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
        }
        line.set(level);
        level = !level;
        deadline += half;
      }
      line.set(false);
    }
    deviations(pin.history(), Duration(static_cast<Duration::rep>(1e9 / hz)), out);
  });
  t.join();
}

}  // namespace

int main(int argc, char** argv) {
  const double hz = argc > 1 ? std::atof(argv[1]) : 100;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 1;
  const int blocks = argc > 3 ? std::atoi(argv[3]) : 5;
  const Duration length(static_cast<Duration::rep>(seconds * 1e9));
  std::vector<double> soft, thread;
  for (int b = 0; b < blocks; ++b) {
    soft_pwm_block(hz, length, soft);
    nanosleep_block(hz, length, thread);
  }
  const double sp99 = percentile(soft, 0.99), tp99 = percentile(thread, 0.99);
  std::printf("%.0f Hz, 50 %% duty, %d blocks of %.1f s each, edge jitter |interval - period/2| in us\n", hz, blocks,
              seconds);
  std::printf("%-32s %7zu edges  p50 %7.1f  p99 %7.1f  max %8.1f\n", "pinfiber SoftPwm (hub timers)", soft.size(),
              percentile(soft, 0.5), sp99, percentile(soft, 1.0));
  std::printf("%-32s %7zu edges  p50 %7.1f  p99 %7.1f  max %8.1f\n", "clock_nanosleep thread", thread.size(),
              percentile(thread, 0.5), tp99, percentile(thread, 1.0));
  std::printf("p99 ratio SoftPwm / thread: %.2fx\n", sp99 / tp99);
  return 0;
}
