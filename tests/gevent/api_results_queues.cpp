// AsyncResult's non-blocking accessors, queues made from items, peek, iteration over a Queue and a
// Channel, and the locks: Lock, RLock, BoundedSemaphore, Semaphore::wait. Prints what
// api_results_queues.py prints. Python ends an iteration when StopIteration is put; this port shuts
// the queue down, pinfiber's way of ending it.

#include <mutex>
#include <stdexcept>
#include <vector>

#include "pair.hpp"

using pinfiber::spawn;

namespace {

template <class Q>
std::string take3(Q& q) {
  std::string out = "[";
  for (int i = 0; i < 3; ++i) out += (i ? ", " : "") + std::to_string(q.get());
  return out + "]";
}

template <class T>
void accessors(const char* name, const pinfiber::AsyncResult<T>& r) {
  std::string value = r.value() ? std::to_string(*r.value()) : "None";
  std::printf("   %s: ready %s successful %s value %s exception %s\n", name, pair::py(r.ready()),
              pair::py(r.successful()), value.c_str(), pair::py(r.exception()).c_str());
}

void async_result_accessors() {
  pinfiber::AsyncResult<int> r;
  accessors("unset", r);
  r.set(5);
  accessors("set", r);
  pinfiber::AsyncResult<int> e;
  e.set_exception(std::make_exception_ptr(std::invalid_argument("bad")));
  accessors("failed", e);
  try {
    e.get();
  } catch (const std::invalid_argument& x) {
    std::printf("   get raised %s\n", x.what());
  }
  e.wait();
  std::printf("   waited on the failed one, ready %s\n", pair::py(e.ready()));
}

void queues_from_items() {
  pinfiber::Queue<int> q(0, {3, 1, 2});
  pinfiber::PriorityQueue<int> p(0, {3, 1, 2});
  pinfiber::LifoQueue<int> l(0, {3, 1, 2});
  pinfiber::JoinableQueue<int> j(0, {3, 1, 2});
  std::printf("   Queue %s\n", take3(q).c_str());
  const int first = p.peek();
  std::printf("   PriorityQueue peek %d then %s\n", first, take3(p).c_str());
  std::printf("   LifoQueue %s\n", take3(l).c_str());
  std::printf("   JoinableQueue unfinished %zu\n", j.unfinished_tasks());
}

void queue_iteration() {
  pinfiber::Queue<int> q;
  spawn([&q] {
    for (int x = 0; x < 3; ++x) {
      q.put(x);
      pinfiber::sleep(0);
    }
    q.shutdown();
  });
  for (int x : q) std::printf("   got %d\n", x);
  std::puts("   iteration ended");
}

void channel_iteration() {
  pinfiber::Channel<std::string> ch;
  spawn([&ch] {
    for (const char* x : {"a", "b"}) {
      ch.put(x);
      std::printf("   handed %s\n", x);
    }
    ch.shutdown();
  });
  for (const std::string& x : ch) std::printf("   got %s\n", x.c_str());
  std::puts("   iteration ended");
}

void locks() {
  pinfiber::RLock lock;
  {
    std::lock_guard a(lock);
    std::lock_guard b(lock);
    std::puts("   RLock taken twice by one greenlet");
  }
  {
    std::lock_guard hold(lock);
    spawn([&lock] { std::printf("   other acquires -> %s\n", pair::py(lock.acquire(0.01))); }).join();
  }
  pinfiber::BoundedSemaphore b(1);
  b.acquire();
  b.release();
  try {
    b.release();
  } catch (const pinfiber::Error&) {
    std::puts("   BoundedSemaphore released too often -> error");
  }
  pinfiber::Semaphore s(0);
  spawn([&s] {
    pinfiber::sleep(0.01);
    s.release();
  });
  const std::size_t n = s.wait();
  std::printf("   Semaphore.wait -> %zu locked %s\n", n, pair::py(s.locked()));
  pinfiber::Semaphore none(0);
  std::printf("   Semaphore.wait(timeout=0) -> %zu\n", none.wait(0));
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {{"async_result_accessors", async_result_accessors},
                                                      {"queues_from_items", queues_from_items},
                                                      {"queue_iteration", queue_iteration},
                                                      {"channel_iteration", channel_iteration},
                                                      {"locks", locks}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
