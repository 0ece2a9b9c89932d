// Instructions per round trip, counted rather than timed: a pinfiber yield round trip (main <-> one
// greenlet, two switches) and a raw Boost.Context fiber::resume round trip, each run `n` times
// between two marker calls. bench/switch_instructions.sh runs it under qemu-user with one instruction
// per translation block and counts the instructions executed between the markers - a figure that
// does not depend on the machine's load, for the ARM code the Pi Zero W runs.
//
//   bench_switch_instructions [n=1000]

#include <boost/context/fiber.hpp>
#include <cstdio>
#include <cstdlib>
#include <pinfiber/core.hpp>

extern "C" {
// Markers the counting script finds by name; noinline and with a side effect so they stay calls.
[[gnu::noinline]] void marker_pinfiber_begin() { __asm__ volatile("" ::: "memory"); }
[[gnu::noinline]] void marker_pinfiber_end() { __asm__ volatile("" ::: "memory"); }
[[gnu::noinline]] void marker_boost_begin() { __asm__ volatile("" ::: "memory"); }
[[gnu::noinline]] void marker_boost_end() { __asm__ volatile("" ::: "memory"); }
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;

  bool stop = false;
  auto partner = pinfiber::spawn([&stop] {
    while (!stop) pinfiber::yield();
  });
  for (int i = 0; i < 100; ++i) pinfiber::yield();  // warm: the stack is touched, caches filled
  marker_pinfiber_begin();
  for (int i = 0; i < n; ++i) pinfiber::yield();
  marker_pinfiber_end();
  stop = true;
  partner.join();

  namespace ctx = boost::context;
  bool done = false;
  ctx::fiber f{[&done](ctx::fiber&& main) {
    while (!done) main = std::move(main).resume();
    return std::move(main);
  }};
  for (int i = 0; i < 100; ++i) f = std::move(f).resume();
  marker_boost_begin();
  for (int i = 0; i < n; ++i) f = std::move(f).resume();
  marker_boost_end();
  done = true;
  f = std::move(f).resume();
  std::printf("%d round trips each\n", n);
}
