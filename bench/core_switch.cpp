// Core costs side by side in one run: a context switch, a yield between two greenlets, and spawning
// plus joining an empty greenlet, for pinfiber, raw Boost.Context and Boost.Fiber.
//
// Every "round trip" below is two switches (there and back), so the rows compare like with like.

#include <benchmark/benchmark.h>

#include <boost/context/fiber.hpp>
#include <boost/fiber/all.hpp>
#include <pinfiber/core.hpp>

namespace {

// Raw Boost.Context: main resumes a fiber that resumes main straight back.
void BM_RoundTrip_BoostContext(benchmark::State& state) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber f{[&stop](ctx::fiber&& main) {
    while (!stop) main = std::move(main).resume();
    return std::move(main);
  }};
  for (auto _ : state) f = std::move(f).resume();
  stop = true;
  f = std::move(f).resume();
}
BENCHMARK(BM_RoundTrip_BoostContext);

// pinfiber: main and one greenlet yield to each other (sleep(0)); the hub polls I/O every 64 turns.
void BM_RoundTrip_PinfiberYield(benchmark::State& state) {
  bool stop = false;
  auto partner = pinfiber::spawn([&stop] {
    while (!stop) pinfiber::yield();
  });
  for (auto _ : state) pinfiber::yield();
  stop = true;
  partner.join();
}
BENCHMARK(BM_RoundTrip_PinfiberYield);

// Boost.Fiber: main fiber and one fiber yield to each other (round-robin scheduler).
void BM_RoundTrip_BoostFiberYield(benchmark::State& state) {
  bool stop = false;
  boost::fibers::fiber partner([&stop] {
    while (!stop) boost::this_fiber::yield();
  });
  for (auto _ : state) boost::this_fiber::yield();
  stop = true;
  partner.join();
}
BENCHMARK(BM_RoundTrip_BoostFiberYield);

void BM_SpawnJoin_Pinfiber(benchmark::State& state) {
  for (auto _ : state) pinfiber::spawn([] {}).join();
}
BENCHMARK(BM_SpawnJoin_Pinfiber);

void BM_SpawnJoin_BoostFiber(benchmark::State& state) {
  for (auto _ : state) boost::fibers::fiber([] {}).join();
}
BENCHMARK(BM_SpawnJoin_BoostFiber);

}  // namespace

BENCHMARK_MAIN();
