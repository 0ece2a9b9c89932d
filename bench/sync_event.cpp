// Waking 10,000 waiters of one Event, per waiter, in three cuts: set() alone; set() and each waiter
// running until it blocks again; set() and each waiter running to its end, joined. Boost.Fiber's
// nearest equivalent (condition_variable_any::notify_all over a flag) runs beside the last two.
// The last cut includes greenlets ending; finished stacks' pages go back to the kernel only when the
// hub is about to sleep, so ending costs little more than a switch.

#include <benchmark/benchmark.h>

#include <boost/fiber/all.hpp>
#include <pinfiber/pinfiber.hpp>

#include <mutex>
#include <vector>

namespace {

constexpr int kWaiters = 10000;

// Reported as items_per_second; ns per waiter = 1e9 / that.
void per_waiter(benchmark::State& state) { state.SetItemsProcessed(state.iterations() * kWaiters); }

void BM_EventWake10k_Pinfiber(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    pinfiber::Event ev;
    std::vector<pinfiber::Greenlet<void>> waiters;
    waiters.reserve(kWaiters);
    for (int i = 0; i < kWaiters; ++i) waiters.push_back(pinfiber::spawn([&ev] { ev.wait(); }));
    pinfiber::sleep(0);  // every waiter is now parked on the Event
    state.ResumeTiming();
    ev.set();
    pinfiber::joinall(waiters);
  }
  per_waiter(state);
}
BENCHMARK(BM_EventWake10k_Pinfiber)->Unit(benchmark::kMicrosecond);

// set() and every woken waiter running until it blocks again (on a second Event): the wake-up and
// the switch into each waiter, without the cost of greenlets ending.
void BM_EventWakeAndRun10k_Pinfiber(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    pinfiber::Event ev;
    pinfiber::Event after;
    std::vector<pinfiber::Greenlet<void>> waiters;
    waiters.reserve(kWaiters);
    for (int i = 0; i < kWaiters; ++i) {
      waiters.push_back(pinfiber::spawn([&] {
        ev.wait();
        after.wait();
      }));
    }
    pinfiber::sleep(0);
    state.ResumeTiming();
    ev.set();
    pinfiber::sleep(0);  // runs every woken waiter once; they block on `after`, then main resumes
    state.PauseTiming();
    after.set();
    pinfiber::joinall(waiters);
    state.ResumeTiming();
  }
  per_waiter(state);
}
BENCHMARK(BM_EventWakeAndRun10k_Pinfiber)->Unit(benchmark::kMicrosecond);

// set() alone: taking every waiter off the Event and queueing it to run.
void BM_EventSetOnly10k_Pinfiber(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    pinfiber::Event ev;
    std::vector<pinfiber::Greenlet<void>> waiters;
    waiters.reserve(kWaiters);
    for (int i = 0; i < kWaiters; ++i) waiters.push_back(pinfiber::spawn([&ev] { ev.wait(); }));
    pinfiber::sleep(0);
    state.ResumeTiming();
    ev.set();
    state.PauseTiming();
    pinfiber::joinall(waiters);
    state.ResumeTiming();
  }
  per_waiter(state);
}
BENCHMARK(BM_EventSetOnly10k_Pinfiber)->Unit(benchmark::kMicrosecond);

void BM_EventWake10k_BoostFiber(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    boost::fibers::mutex m;
    boost::fibers::condition_variable_any cv;
    bool flag = false;
    std::vector<boost::fibers::fiber> waiters;
    waiters.reserve(kWaiters);
    for (int i = 0; i < kWaiters; ++i) {
      waiters.emplace_back([&] {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return flag; });
      });
    }
    boost::this_fiber::yield();  // every waiter is now blocked on the condition variable
    state.ResumeTiming();
    {
      std::unique_lock lk(m);
      flag = true;
    }
    cv.notify_all();
    for (auto& f : waiters) f.join();
  }
  per_waiter(state);
}
BENCHMARK(BM_EventWake10k_BoostFiber)->Unit(benchmark::kMicrosecond);

// Boost.Fiber's counterpart of WakeAndRun: notify_all, then every waiter runs until it blocks on a
// second condition.
void BM_EventWakeAndRun10k_BoostFiber(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    boost::fibers::mutex m;
    boost::fibers::condition_variable_any cv;
    boost::fibers::condition_variable_any cv_after;
    bool flag = false;
    bool flag_after = false;
    std::vector<boost::fibers::fiber> waiters;
    waiters.reserve(kWaiters);
    for (int i = 0; i < kWaiters; ++i) {
      waiters.emplace_back([&] {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return flag; });
        cv_after.wait(lk, [&] { return flag_after; });
      });
    }
    boost::this_fiber::yield();
    state.ResumeTiming();
    {
      std::unique_lock lk(m);
      flag = true;
    }
    cv.notify_all();
    boost::this_fiber::yield();  // runs every woken waiter once; they block on cv_after
    state.PauseTiming();
    {
      std::unique_lock lk(m);
      flag_after = true;
    }
    cv_after.notify_all();
    for (auto& f : waiters) f.join();
    state.ResumeTiming();
  }
  per_waiter(state);
}
BENCHMARK(BM_EventWakeAndRun10k_BoostFiber)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
