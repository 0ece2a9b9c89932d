// Story 1: two greenlets taking turns.
//
// spawn() only schedules; the first greenlet runs until it yields with sleep(0), then the next one
// runs, first-in first-out. gevent prints 12, 56, 34, 78 for this program, and so does pinfiber.

#include <pinfiber/pinfiber.hpp>

#include <cstdio>

#include "paused_clock.hpp"

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  auto foo = pinfiber::spawn([] {
    std::puts("12");
    pinfiber::sleep(0);
    std::puts("34");
  });
  auto bar = pinfiber::spawn([] {
    std::puts("56");
    pinfiber::sleep(0);
    std::puts("78");
  });
  pinfiber::joinall({foo, bar});
}
