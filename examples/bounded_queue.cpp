// Story 5: a producer and three consumers over a bounded queue.
//
// The boss puts tasks 1..9 into a Queue of at most 3 and blocks while it is full; steve, john and
// nancy each take tasks until none comes for 1 s (get(timeout) throws Empty, as in gevent). Every task
// is consumed exactly once, in the same order gevent prints for examples/gevent/bounded_queue.py. Then
// get_nowait() on the empty queue throws Empty, and a blocking get() that nothing can ever satisfy
// throws LoopExit instead of hanging.

#include <pinfiber/pinfiber.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "paused_clock.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  pinfiber::Queue<int> tasks(3);

  auto worker = [&](std::string name) {
    try {
      for (;;) {
        int task = tasks.get(1s);
        std::printf("Worker %s got task %d\n", name.c_str(), task);
        pinfiber::sleep(0);
      }
    } catch (const pinfiber::Empty&) {
      std::printf("Worker %s: quitting time!\n", name.c_str());
    }
  };
  auto boss = [&] {
    for (int i = 1; i < 10; ++i) {
      tasks.put(i);
      std::printf("Boss put task %d\n", i);
    }
    std::puts("Boss assigned all work");
  };

  pinfiber::joinall({pinfiber::spawn(boss), pinfiber::spawn(worker, "steve"), pinfiber::spawn(worker, "john"),
                     pinfiber::spawn(worker, "nancy")});

  try {
    tasks.get_nowait();
  } catch (const pinfiber::Empty&) {
    std::puts("get_nowait on an empty queue: Empty");
  }
  try {
    tasks.get();
  } catch (const pinfiber::LoopExit&) {
    std::puts("get on an empty queue with nobody to fill it: LoopExit");
  }
}
