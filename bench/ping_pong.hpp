#pragma once
// One item in flight through two queues of one, there and back - a switch per put - for pinfiber's
// Queue and Boost.Fiber's buffered_channel (channel(2) holds one item, like Queue(1)). Shared by
// bench_sync_queue (timed) and bench_core_instructions (counted), so both measure the same code.
//
// `drive(round)` runs the rounds: each call of round() sends 1 and returns what came back.

#include <boost/fiber/all.hpp>
#include <pinfiber/sync.hpp>

namespace ping_pong {

template <class Drive>
void pinfiber_queues(Drive&& drive) {
  pinfiber::Queue<int> there(1);
  pinfiber::Queue<int> back(1);
  auto echo = pinfiber::spawn([&] {
    for (;;) {
      const int v = there.get();
      if (v < 0) return;
      back.put(v);
    }
  });
  drive([&] {
    there.put(1);
    return back.get();
  });
  there.put(-1);
  echo.join();
}

template <class Drive>
void boost_fiber_channels(Drive&& drive) {
  boost::fibers::buffered_channel<int> there(2);
  boost::fibers::buffered_channel<int> back(2);
  boost::fibers::fiber echo([&] {
    for (;;) {
      int v = 0;
      there.pop(v);
      if (v < 0) return;
      back.push(v);
    }
  });
  drive([&] {
    there.push(1);
    int v = 0;
    back.pop(v);
    return v;
  });
  there.push(-1);
  echo.join();
}

}  // namespace ping_pong
