// Queue put+get per item: pinfiber::Queue against Boost.Fiber's buffered_channel, in the same run.
//
// Two shapes, each with the same code on both sides:
//  - Pipeline: a producer greenlet (fiber) puts kBatch items into a queue of 63, the main greenlet
//    takes them; they switch whenever the queue fills up or runs dry.
//  - PingPong: one item in flight through two queues of one: every put wakes a blocked getter (the
//    worst case: a switch per item).
//  - SameGreenlet: put then get in one greenlet, no switch: the bookkeeping alone.
// buffered_channel needs a power-of-two capacity and holds one less than that: channel(64) holds 63
// items, like pinfiber's Queue(63); channel(2) holds one, like Queue(1).

#include <benchmark/benchmark.h>

#include <boost/fiber/all.hpp>
#include <pinfiber/pinfiber.hpp>

#include "ping_pong.hpp"

namespace {

constexpr int kBatch = 10000;

// Reported as items_per_second; ns per item = 1e9 / that.
void per_item(benchmark::State& state, int items_per_iteration) {
  state.SetItemsProcessed(state.iterations() * items_per_iteration);
}

void BM_Pipeline_Pinfiber(benchmark::State& state) {
  pinfiber::Queue<int> q(63);
  for (auto _ : state) {
    auto producer = pinfiber::spawn([&q] {
      for (int i = 0; i < kBatch; ++i) q.put(i);
    });
    long sum = 0;
    for (int i = 0; i < kBatch; ++i) sum += q.get();
    benchmark::DoNotOptimize(sum);
    producer.join();
  }
  per_item(state, kBatch);
}
BENCHMARK(BM_Pipeline_Pinfiber);

void BM_Pipeline_BoostFiber(benchmark::State& state) {
  boost::fibers::buffered_channel<int> ch(64);
  for (auto _ : state) {
    boost::fibers::fiber producer([&ch] {
      for (int i = 0; i < kBatch; ++i) ch.push(i);
    });
    long sum = 0;
    for (int i = 0; i < kBatch; ++i) {
      int v = 0;
      ch.pop(v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
    producer.join();
  }
  per_item(state, kBatch);
}
BENCHMARK(BM_Pipeline_BoostFiber);

// Runs the rounds of a ping_pong shape for as long as the benchmark wants them.
auto rounds_of(benchmark::State& state) {
  return [&state](auto round) {
    for (auto _ : state) benchmark::DoNotOptimize(round());
  };
}

void BM_PingPong_Pinfiber(benchmark::State& state) {
  ping_pong::pinfiber_queues(rounds_of(state));
  per_item(state, 2);
}
BENCHMARK(BM_PingPong_Pinfiber);

void BM_PingPong_BoostFiber(benchmark::State& state) {
  ping_pong::boost_fiber_channels(rounds_of(state));
  per_item(state, 2);
}
BENCHMARK(BM_PingPong_BoostFiber);

void BM_SameGreenlet_Pinfiber(benchmark::State& state) {
  pinfiber::Queue<int> q(63);
  for (auto _ : state) {
    q.put(1);
    benchmark::DoNotOptimize(q.get());
  }
  per_item(state, 1);
}
BENCHMARK(BM_SameGreenlet_Pinfiber);

void BM_SameGreenlet_BoostFiber(benchmark::State& state) {
  boost::fibers::buffered_channel<int> ch(64);
  for (auto _ : state) {
    ch.push(1);
    int v = 0;
    ch.pop(v);
    benchmark::DoNotOptimize(v);
  }
  per_item(state, 1);
}
BENCHMARK(BM_SameGreenlet_BoostFiber);

}  // namespace

BENCHMARK_MAIN();
