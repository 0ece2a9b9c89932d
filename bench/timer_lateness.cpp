// Timer precision: how late a sleep wakes, pinfiber's hub against a plain clock_nanosleep(2) thread.
//
// Both sleep to absolute deadlines `period` apart and record (wake time - deadline) on the same
// CLOCK_MONOTONIC. Blocks of the two alternate in one run, so machine load weighs on both alike.
// Software PWM and bit-banged protocols need sub-millisecond deadlines: the hub's timers wake
// epoll_wait through a timerfd armed at the deadline, where libev's own timeout is whole milliseconds.
//
//   bench_timer_lateness [period_us=2500] [samples_per_side=2000] [block=100]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "pinfiber/pinfiber.hpp"

namespace {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC, as clock_nanosleep below

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// `n` sleeps of `period` on the hub, each to an absolute deadline; lateness in microseconds.
void hub_block(std::chrono::nanoseconds period, int n, std::vector<double>& out) {
  auto deadline = Clock::now() + period;
  for (int i = 0; i < n; ++i) {
    pinfiber::sleep(deadline - Clock::now());
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - deadline).count());
    deadline += period;
  }
}

void nanosleep_block(std::chrono::nanoseconds period, int n, std::vector<double>& out) {
  auto deadline = Clock::now() + period;
  for (int i = 0; i < n; ++i) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
    out.push_back(std::chrono::duration<double, std::micro>(Clock::now() - deadline).count());
    deadline += period;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto period = std::chrono::microseconds(argc > 1 ? std::atoi(argv[1]) : 2500);
  const int samples = argc > 2 ? std::atoi(argv[2]) : 2000;
  const int block = argc > 3 ? std::atoi(argv[3]) : 100;
  std::vector<double> hub_late;
  std::vector<double> nano_late;
  for (int done = 0; done < samples; done += block) {
    hub_block(period, block, hub_late);
    // The thread sleeps while the hub has nothing to do but wait for it: both run on an idle core.
    std::thread([&] { nanosleep_block(period, block, nano_late); }).join();
  }
  const double h50 = percentile(hub_late, 0.5), h99 = percentile(hub_late, 0.99);
  const double n50 = percentile(nano_late, 0.5), n99 = percentile(nano_late, 0.99);
  std::printf("period %lld us, %zu samples each\n", static_cast<long long>(period.count()), hub_late.size());
  std::printf("%-28s p50 %8.1f us   p99 %8.1f us\n", "pinfiber sleep (hub timer)", h50, h99);
  std::printf("%-28s p50 %8.1f us   p99 %8.1f us\n", "clock_nanosleep thread", n50, n99);
  std::printf("ratio pinfiber / clock_nanosleep: p50 %.2fx  p99 %.2fx\n", h50 / n50, h99 / n99);
}
