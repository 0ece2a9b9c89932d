// Instructions per core operation on this machine, counted by callgrind rather than timed: one
// operation is run `n` times between two CALLGRIND_TOGGLE_COLLECT requests, so only those runs are
// counted, whatever the machine's load. bench/core_instructions.sh runs each mode under
// `valgrind --tool=callgrind --collect-atstart=no` and divides by `n`.
//
//   bench_core_instructions yield|boost_resume|spawn_join|boost_fiber_spawn_join [n=100000]
//
// yield:                   pinfiber round trip, main <-> one greenlet (two switches)
// boost_resume:            raw boost::context::fiber::resume round trip (two switches)
// spawn_join:              pinfiber spawn + join of an empty greenlet
// boost_fiber_spawn_join:  Boost.Fiber's, for the same

#include <valgrind/callgrind.h>

#include <boost/context/fiber.hpp>
#include <boost/fiber/all.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pinfiber/core.hpp>

#include "ping_pong.hpp"

namespace {

// Runs `op` 1000 times to warm up (stacks touched, pools filled, caches loaded), then `n` times
// counted.
template <typename Op>
void counted(int n, Op op) {
  for (int i = 0; i < 1000; ++i) op();
  CALLGRIND_TOGGLE_COLLECT;
  for (int i = 0; i < n; ++i) op();
  CALLGRIND_TOGGLE_COLLECT;
}

void yield(int n) {
  bool stop = false;
  auto partner = pinfiber::spawn([&stop] {
    while (!stop) pinfiber::yield();
  });
  counted(n, [] { pinfiber::yield(); });
  stop = true;
  partner.join();
}

void boost_resume(int n) {
  namespace ctx = boost::context;
  bool stop = false;
  ctx::fiber f{[&stop](ctx::fiber&& main) {
    while (!stop) main = std::move(main).resume();
    return std::move(main);
  }};
  counted(n, [&f] { f = std::move(f).resume(); });
  stop = true;
  f = std::move(f).resume();
}

void spawn_join(int n) {
  counted(n, [] { pinfiber::spawn([] {}).join(); });
}

void boost_fiber_spawn_join(int n) {
  counted(n, [] { boost::fibers::fiber([] {}).join(); });
}

// A put+get ping-pong through two queues of one (two parks and two notifier passes per round),
// and Boost.Fiber's with buffered_channel: bench/ping_pong.hpp.
void queue_ping_pong(int n) {
  ping_pong::pinfiber_queues([n](auto round) { counted(n, round); });
}

void boost_fiber_channel_ping_pong(int n) {
  ping_pong::boost_fiber_channels([n](auto round) { counted(n, round); });
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  const int n = argc > 2 ? std::atoi(argv[2]) : 100000;
  if (!std::strcmp(mode, "yield")) {
    yield(n);
  } else if (!std::strcmp(mode, "boost_resume")) {
    boost_resume(n);
  } else if (!std::strcmp(mode, "spawn_join")) {
    spawn_join(n);
  } else if (!std::strcmp(mode, "boost_fiber_spawn_join")) {
    boost_fiber_spawn_join(n);
  } else if (!std::strcmp(mode, "queue_ping_pong")) {
    queue_ping_pong(n);
  } else if (!std::strcmp(mode, "boost_fiber_channel_ping_pong")) {
    boost_fiber_channel_ping_pong(n);
  } else {
    std::fprintf(
        stderr,
        "usage: %s yield|boost_resume|spawn_join|boost_fiber_spawn_join|queue_ping_pong|boost_fiber_channel_ping_pong "
        "[n]\n",
        argv[0]);
    return 2;
  }
}
