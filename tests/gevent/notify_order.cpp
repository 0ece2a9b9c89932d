// Rule 5: notifications keep their order. A greenlet that waits on an Event (or AsyncResult) that is
// already set, while the waiters woken by that set() have not run yet, runs after them; a
// semaphore's waiters are served in the order they came; a greenlet that is already dead is joined
// at once. From a greenlet, from main, mixed with timers. Prints what notify_order.py prints.

#include "pair.hpp"

using pinfiber::spawn;

namespace {

template <class W>
void waiter(W& obj, const char* name) {
  std::printf("   %s waits\n", name);
  obj.wait();
  std::printf("   %s woke\n", name);
}

void event_late_waiter() {
  pinfiber::Event ev;
  spawn([&] { waiter(ev, "w1"); });
  spawn([&] { waiter(ev, "w2"); });
  pinfiber::sleep(0);
  spawn([&] { waiter(ev, "late"); });
  ev.set();
  std::puts("   set; main waits on the set event too");
  ev.wait();
  std::puts("   main passed");
  pinfiber::wait();
}

void event_cleared_before_waiters_ran() {
  pinfiber::Event ev;
  spawn([&] { waiter(ev, "w1"); });
  pinfiber::sleep(0);
  ev.set();
  ev.clear();
  std::printf("   set and cleared; wait(0) -> %s\n", pair::py(ev.wait(0)));
  pinfiber::wait();
}

void async_result_late_waiter() {
  pinfiber::AsyncResult<std::string> r;
  spawn([&] { waiter(r, "w1"); });
  spawn([&] { waiter(r, "w2"); });
  pinfiber::sleep(0);
  spawn([&] { waiter(r, "late"); });
  spawn([&] { std::printf("   late getter gets %s\n", r.get().c_str()); });
  r.set("v");
  std::puts("   set");
  pinfiber::sleep(0);
  std::puts("   main slept");
  pinfiber::wait();
}

void event_with_timers() {
  pinfiber::Event ev;
  auto timed = [&ev](const char* name, double t) {
    std::printf("   %s waits up to %g\n", name, t);
    std::printf("   %s -> %s\n", name, pair::py(ev.wait(t)));
  };
  spawn(timed, "short", 0.02);
  spawn(timed, "long", 1);
  spawn([&] { waiter(ev, "forever"); });
  spawn([&] {
    pinfiber::sleep(0.08);
    std::puts("   setter sets");
    ev.set();
    std::puts("   setter waits on it too");
    ev.wait();
    std::puts("   setter passed");
  });
  pinfiber::wait();
}

void semaphore_order() {
  pinfiber::Semaphore sem(0);
  auto acquirer = [&sem](const char* name) {
    std::printf("   %s acquires\n", name);
    sem.acquire();
    std::printf("   %s got it\n", name);
  };
  for (const char* n : {"a1", "a2", "a3"}) spawn(acquirer, n);
  pinfiber::sleep(0);
  sem.release();
  sem.release();
  std::puts("   released twice");
  spawn(acquirer, "late");
  pinfiber::sleep(0);
  std::printf("   main slept; counter %zu\n", sem.counter());
  sem.release();
  sem.release();
  pinfiber::wait();
}

void join_dead_greenlet() {
  auto g = spawn([] {
    std::puts("   g runs");
    pinfiber::sleep(0);
    std::puts("   g ends");
  });
  auto joiner = [g](const char* name) {
    std::printf("   %s joins\n", name);
    g.join();
    std::printf("   %s joined\n", name);
  };
  spawn(joiner, "j1");
  spawn(joiner, "j2");
  pinfiber::sleep(0);
  // j3 runs after g died and before g's links pass: a dead greenlet is joined at once.
  spawn(joiner, "j3");
  pinfiber::wait();
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {
      {"event_late_waiter", event_late_waiter},
      {"event_cleared_before_waiters_ran", event_cleared_before_waiters_ran},
      {"async_result_late_waiter", async_result_late_waiter},
      {"event_with_timers", event_with_timers},
      {"semaphore_order", semaphore_order},
      {"join_dead_greenlet", join_dead_greenlet}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
