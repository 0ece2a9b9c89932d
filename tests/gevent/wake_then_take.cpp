// Rule 4: wake, then take. put(), release() and set() wake waiters in FIFO order through the hub;
// what a woken waiter receives is decided when it runs: a PriorityQueue hands the smallest item
// present then, a LifoQueue the newest, size() counts what was put and not yet taken, a greenlet
// that releases a semaphore and re-acquires it without blocking gets it back; killed waiters lose
// nothing. Prints what wake_then_take.py prints.

#include <mutex>
#include <vector>

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::spawn;

namespace {

template <class Q>
std::vector<GreenletBase> getters_of(Q& q, int n) {
  std::vector<GreenletBase> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(spawn([&q, i] {
      auto x = q.get();
      if constexpr (std::is_same_v<decltype(x), int>) {
        std::printf("  getter %d got %d\n", i, x);
      } else {
        std::printf("  getter %d got %s\n", i, x.c_str());
      }
    }));
  }
  return out;
}

void priority_burst() {
  pinfiber::PriorityQueue<int> q;
  getters_of(q, 3);
  pinfiber::sleep(0);
  for (int x : {5, 1, 3}) q.put(x);
  std::printf("  puts done, qsize %zu\n", q.size());
  pinfiber::wait();  // the greenlets use this part's locals
}

void lifo_burst() {
  pinfiber::LifoQueue<int> q;
  getters_of(q, 3);
  pinfiber::sleep(0);
  for (int x : {5, 1, 3}) q.put(x);
  std::printf("  puts done, qsize %zu\n", q.size());
  pinfiber::wait();  // the greenlets use this part's locals
}

void priority_worker_pool() {
  // The worker-pool shape: workers loop on get(), the producer puts a burst between their turns.
  pinfiber::PriorityQueue<int> q;
  auto worker = [&q](int i) {
    for (;;) {
      int x = q.get();
      if (x == 99) return;  // the stop mark, sorted last
      std::printf("  worker %d does %d\n", i, x);
      pinfiber::sleep(0);
    }
  };
  std::vector<GreenletBase> workers{spawn(worker, 1), spawn(worker, 2)};
  pinfiber::sleep(0);
  for (int x : {9, 4, 7, 1, 8, 2}) q.put(x);
  pinfiber::sleep(0);
  for (int x : {6, 3}) q.put(x);
  for (std::size_t i = 0; i < workers.size(); ++i) q.put(99);
  pinfiber::joinall(workers);
}

void qsize_counts_untaken() {
  pinfiber::Queue<std::string> q;
  getters_of(q, 2);
  pinfiber::sleep(0);
  q.put("a");
  q.put("b");
  std::printf("  qsize after two puts %zu\n", q.size());
  pinfiber::sleep(0);
  std::printf("  qsize after the getters ran %zu\n", q.size());
  pinfiber::wait();  // the greenlets use this part's locals
}

void releaser_reacquires() {
  pinfiber::Semaphore sem(1);
  auto holder = spawn([&] {
    sem.acquire();
    std::puts("  holder has it");
    pinfiber::sleep(0);
    sem.release();
    std::printf("  holder released; re-acquires -> %s\n", pair::py(sem.try_acquire()));
    pinfiber::sleep(0);
    sem.release();
    std::printf("  holder released; acquire() -> %s\n", pair::py(sem.acquire()));
    pinfiber::sleep(0);
    sem.release();
    std::puts("  holder released for good");
  });
  auto waiter = spawn([&] {
    std::puts("  waiter waits");
    sem.acquire();
    std::puts("  waiter has it");
    sem.release();
  });
  pinfiber::joinall({holder, waiter});
  std::printf("  counter %zu\n", sem.counter());
}

void killed_waiters_lose_nothing() {
  pinfiber::Queue<std::string> q;
  auto gs = getters_of(q, 2);
  pinfiber::sleep(0);
  gs[0].kill(false);
  q.put("item");
  pinfiber::joinall(gs);
  std::printf("  killed getter dead %s qsize %zu\n", pair::py(gs[0].dead()), q.size());

  // The other way round: the put's wake-up is queued first, so the getter takes the item, then
  // the kill reaches it at its next blocking call.
  auto g = spawn([&] {
    std::string item = q.get();
    std::printf("  getter took %s\n", item.c_str());
    struct Later {
      ~Later() { std::puts("  getter killed later, item kept"); }
    } later;
    pinfiber::sleep(1);
  });
  pinfiber::sleep(0);
  q.put("other");
  g.kill(false);
  g.join();
  std::printf("  qsize %zu\n", q.size());

  pinfiber::Semaphore sem(0);
  auto acquirer = [&sem](int i) {
    std::lock_guard hold(sem);
    std::printf("  acquirer %d has a permit\n", i);
    pinfiber::sleep(0);
  };
  auto a1 = spawn(acquirer, 1);
  auto a2 = spawn(acquirer, 2);
  pinfiber::sleep(0);
  a1.kill(false);
  sem.release();
  pinfiber::joinall({a1, a2});
  std::printf("  counter %zu\n", sem.counter());

  pinfiber::Queue<std::string> full(1);
  full.put("in");
  auto putter = [&full](std::string x) {
    full.put(x);
    std::printf("  putter %s put\n", x.c_str());
  };
  auto p1 = spawn(putter, "p1");
  auto p2 = spawn(putter, "p2");
  pinfiber::sleep(0);
  p1.kill(false);
  std::printf("  got %s\n", full.get().c_str());
  p2.join();
  std::string last = full.get();
  std::printf("  got %s qsize %zu\n", last.c_str(), full.size());
  pinfiber::wait();  // the greenlets use this part's locals
}

void bounded_putters_in_order() {
  pinfiber::Queue<int> q(1);
  auto putter = [&q](int x) {
    std::printf("  putter %d blocks\n", x);
    q.put(x);
    std::printf("  putter %d done\n", x);
  };
  q.put(0);
  std::vector<GreenletBase> ps{spawn(putter, 1), spawn(putter, 2), spawn(putter, 3)};
  pinfiber::sleep(0);
  for (int i = 0; i < 4; ++i) std::printf("  main got %d\n", q.get());
  pinfiber::joinall(ps);
}

void channel_handoff() {
  pinfiber::Channel<std::string> ch;
  auto putter = [&ch](std::string x) {
    std::printf("  putter %s offers\n", x.c_str());
    ch.put(x);
    std::printf("  putter %s handed over\n", x.c_str());
  };
  auto getter = [&ch](int i) { std::printf("  getter %d got %s\n", i, ch.get().c_str()); };
  pinfiber::joinall({spawn(getter, 1), spawn(getter, 2), spawn(putter, "a"), spawn(putter, "b")});
  spawn(putter, "c");
  std::printf("  main got %s\n", ch.get().c_str());
  pinfiber::wait();
}

void getters_with_deadlines() {
  pinfiber::Queue<std::string> q;
  auto getter = [&q](const char* name, double t) {
    try {
      std::string x = q.get(t);
      std::printf("   %s got %s\n", name, x.c_str());
    } catch (const pinfiber::Empty&) {
      std::printf("   %s gave up\n", name);
    }
  };
  spawn(getter, "short", 0.01);
  spawn(getter, "long", 0.2);
  spawn(getter, "longer", 1);
  spawn([&q] {
    pinfiber::sleep(0.05);  // well after short's deadline, well before long's
    q.put("late");
    std::printf("   put late, qsize %zu\n", q.size());
    pinfiber::sleep(0.05);
    q.put("later");
  });
  pinfiber::wait();
}

void joinable_queue() {
  pinfiber::JoinableQueue<int> q;
  auto worker = [&q](int i) {
    for (;;) {
      int x = q.get();
      std::printf("  worker %d task %d\n", i, x);
      pinfiber::sleep(0);
      q.task_done();
    }
  };
  std::vector<GreenletBase> ws{spawn(worker, 1), spawn(worker, 2)};
  for (int x = 0; x < 5; ++x) q.put(x);
  q.join();
  std::printf("  all tasks done, unfinished %zu\n", q.unfinished_tasks());
  pinfiber::killall(ws);
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {{"priority_burst", priority_burst},
                                                      {"lifo_burst", lifo_burst},
                                                      {"priority_worker_pool", priority_worker_pool},
                                                      {"qsize_counts_untaken", qsize_counts_untaken},
                                                      {"releaser_reacquires", releaser_reacquires},
                                                      {"killed_waiters_lose_nothing", killed_waiters_lose_nothing},
                                                      {"bounded_putters_in_order", bounded_putters_in_order},
                                                      {"channel_handoff", channel_handoff},
                                                      {"getters_with_deadlines", getters_with_deadlines},
                                                      {"joinable_queue", joinable_queue}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
