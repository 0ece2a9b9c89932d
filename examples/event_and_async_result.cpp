// Story 5: Event and AsyncResult.
//
// Five waiters block on an Event; a setter sets it after 3 s and all five wake, in the order they
// began waiting. Then an AsyncResult hands "Hello!" to two getters. gevent prints exactly this for
// examples/gevent/event_and_async_result.py (recorded in event_and_async_result.expected); under the paused test clock
// the 3 s take no real time.

#include <pinfiber/pinfiber.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "paused_clock.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  pinfiber::Event evt;

  auto setter = [&] {
    std::puts("A: Hey wait for me, I have to do something");
    pinfiber::sleep(3s);
    std::puts("Ok, I'm done");
    evt.set();
  };
  auto waiter = [&](int n) {
    std::printf("waiter %d: I'll wait for you\n", n);
    evt.wait();
    std::printf("waiter %d: It's about time\n", n);
  };
  std::vector<pinfiber::GreenletBase> all{pinfiber::spawn(setter)};
  for (int n = 1; n <= 5; ++n) all.push_back(pinfiber::spawn(waiter, n));
  pinfiber::joinall(all);

  pinfiber::AsyncResult<std::string> a;
  auto async_setter = [a] {
    pinfiber::sleep(3s);
    a.set("Hello!");
  };
  auto async_waiter = [a](int n) { std::printf("getter %d: %s\n", n, a.get().c_str()); };
  pinfiber::joinall(
      {pinfiber::spawn(async_setter), pinfiber::spawn(async_waiter, 1), pinfiber::spawn(async_waiter, 2)});
}
