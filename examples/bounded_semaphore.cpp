// Story 5: a BoundedSemaphore(2) shared by six workers.
//
// At most two workers hold the semaphore at once. The acquire/release lines come out in exactly the
// order gevent prints for examples/gevent/bounded_semaphore.py: a released permit goes to the worker
// that waited longest, and everyone runs first-in first-out.

#include <pinfiber/pinfiber.hpp>

#include <cstdio>
#include <mutex>
#include <ranges>

#include "paused_clock.hpp"

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  pinfiber::BoundedSemaphore sem(2);

  auto worker1 = [&](int n) {
    sem.acquire();
    std::printf("Worker %d acquired semaphore\n", n);
    pinfiber::sleep(0);
    sem.release();
    std::printf("Worker %d released semaphore\n", n);
  };
  auto worker2 = [&](int n) {
    {
      std::lock_guard hold(sem);  // gevent's `with sem:`
      std::printf("Worker %d acquired semaphore\n", n);
      pinfiber::sleep(0);
    }
    std::printf("Worker %d released semaphore\n", n);
  };

  pinfiber::Group pool;  // gevent's Pool() without a size tracks without bounding
  pool.map(worker1, std::views::iota(0, 3));
  pool.map(worker2, std::views::iota(3, 6));
}
