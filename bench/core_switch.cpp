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

// Raw Boost.Context again, each resume inside a function that is not inlined - what any library call
// around a switch amounts to. After a switch the CPU's return predictions are the other side's, so
// the return out of each such function is mispredicted: the difference to the row above is what
// pinfiber's yield, park and join avoid by resuming in their caller's code (bench/RESULTS.md).
[[gnu::noinline]] void resume_behind_a_call(boost::context::fiber& f) { f = std::move(f).resume(); }

void BM_RoundTrip_BoostContextBehindCalls(benchmark::State& state) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber f{[&stop](ctx::fiber&& main) {
    while (!stop) resume_behind_a_call(main);
    return std::move(main);
  }};
  for (auto _ : state) resume_behind_a_call(f);
  stop = true;
  f = std::move(f).resume();
}
BENCHMARK(BM_RoundTrip_BoostContextBehindCalls);

// pinfiber: main and one greenlet yield to each other (sleep(0)); the hub's busy poll (once 256
// switches and 50 us have passed) is included.
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
