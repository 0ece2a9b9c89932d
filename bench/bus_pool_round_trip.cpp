// What a bus transfer pays to leave the hub: pinfiber::thread_pool().run() of an empty job (hand the
// call to a worker and get the result back, the calling greenlet parked meanwhile) against the same
// job run inline. The difference is what bus::TransferPolicy weighs against a transfer's time on
// the wire when it chooses inline or the pool (docs/peripherals.md).
//
//   bench_bus_pool_round_trip [iterations=20000]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "pinfiber/pinfiber.hpp"

namespace {
using Clock = std::chrono::steady_clock;
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  // A system call as small as an ioctl on an idle adapter: what the job stands for.
  const auto job = [] { return static_cast<int>(::getppid()); };
  std::vector<double> pooled, inline_;
  for (int round = 0; round < 5; ++round) {
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) pinfiber::thread_pool().run(job);
    pooled.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n);
    t0 = Clock::now();
    long sink = 0;
    for (int i = 0; i < n; ++i) sink += job();
    inline_.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n);
    if (sink == 42) std::puts("");
  }
  std::printf("empty job, median of 5 rounds of %d: thread pool round trip %.2f us, inline %.3f us\n", n,
              median(pooled), median(inline_));
  return 0;
}
