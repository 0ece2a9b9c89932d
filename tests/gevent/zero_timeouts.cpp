// Rule 3: zero timeouts pass through the hub once. Event::wait(0), Semaphore::acquire(0),
// Queue::get(0) / put(x, 0), join(0), AsyncResult::get(0) and Greenlet::get(0) let every greenlet
// that is ready run before they answer; a polling loop `while (!ev.wait(0))` makes progress. Each
// part runs from main and from a greenlet. Prints what zero_timeouts.py prints (gevent's Timeout
// from get(timeout=0) is pinfiber's TimeoutError).

#include "pair.hpp"

using pinfiber::spawn;

namespace {

void busy(int n) { std::printf("  busy %d runs\n", n); }

void event_wait() {
  pinfiber::Event ev;
  spawn(busy, 1);
  spawn(busy, 2);
  std::printf("  wait(0) on an unset event -> %s\n", pair::py(ev.wait(0)));
  spawn([&] { ev.set(); });
  std::printf("  wait(0) with a setter ready -> %s\n", pair::py(ev.wait(0)));
}

void polling_loop() {
  pinfiber::Event tick, done;
  spawn([&] {
    for (int i = 0; i < 3; ++i) {
      tick.wait();
      tick.clear();
      std::printf("  worker round %d\n", i);
    }
    done.set();
  });
  int polls = 0;
  while (!done.wait(0)) {
    ++polls;
    tick.set();
  }
  std::printf("  polls %d\n", polls);
}

void semaphore_acquire() {
  pinfiber::Semaphore sem(0);
  spawn(busy, 3);
  std::printf("  acquire(timeout=0), nobody releases -> %s\n", pair::py(sem.acquire(0)));
  spawn([&] { sem.release(); });
  std::printf("  acquire(timeout=0), a releaser is ready -> %s\n", pair::py(sem.acquire(0)));
}

void queue_get_put() {
  pinfiber::Queue<std::string> q(1);
  spawn(busy, 4);
  try {
    q.get(0);
  } catch (const pinfiber::Empty&) {
    std::puts("  get(timeout=0) on an empty queue -> Empty");
  }
  spawn([&] { q.put("item"); });
  std::printf("  get(timeout=0), a putter is ready -> %s\n", q.get(0).c_str());
  q.put("first");
  try {
    q.put("second", 0);
  } catch (const pinfiber::Full&) {
    std::puts("  put(timeout=0) on a full queue -> Full");
  }
  spawn([&] { std::printf("  getter took %s\n", q.get().c_str()); });
  q.put("third", 0);
  std::printf("  put(timeout=0), a getter is ready -> put, qsize %zu\n", q.size());
  std::printf("  and the queue holds %s\n", q.get_nowait().c_str());
}

void join_zero() {
  auto quick = spawn(busy, 5);
  auto slow = spawn([] { pinfiber::sleep(0.05); });
  quick.join(0);
  std::printf("  join(0) on a ready greenlet -> dead %s\n", pair::py(quick.dead()));
  slow.join(0);
  std::printf("  join(0) on a sleeping greenlet -> dead %s\n", pair::py(slow.dead()));
  slow.kill();
}

void async_result_get() {
  pinfiber::AsyncResult<int> r;
  try {
    r.get(0);
  } catch (const pinfiber::TimeoutError&) {
    std::puts("  AsyncResult.get(timeout=0), unset -> Timeout");
  }
  spawn([r] { r.set(7); });
  std::printf("  AsyncResult.get(timeout=0), a setter is ready -> %d\n", r.get(0));
  auto g = spawn([] { return 8; });
  std::printf("  Greenlet.get(timeout=0), ready to run -> %d\n", g.get(0));
  auto s = spawn([] { pinfiber::sleep(0.05); });
  try {
    s.get(0);
  } catch (const pinfiber::TimeoutError&) {
    std::puts("  Greenlet.get(timeout=0), sleeping -> Timeout");
  }
  s.kill();
}

void nowait_forms() {
  pinfiber::Queue<int> q(1);
  pinfiber::Semaphore sem(0);
  pinfiber::AsyncResult<int> r;
  spawn(busy, 6);
  try {
    q.get_nowait();
  } catch (const pinfiber::Empty&) {
    std::puts("  get_nowait -> Empty");
  }
  q.put_nowait(1);
  try {
    q.put_nowait(2);
  } catch (const pinfiber::Full&) {
    std::puts("  put_nowait -> Full");
  }
  std::printf("  acquire(blocking=False) -> %s\n", pair::py(sem.try_acquire()));
  try {
    r.get_nowait();
  } catch (const pinfiber::TimeoutError&) {
    std::puts("  AsyncResult.get_nowait -> Timeout");
  }
  std::puts("  none of them yielded; now sleep(0)");
  pinfiber::sleep(0);
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {
      {"event_wait", event_wait},       {"polling_loop", polling_loop}, {"semaphore_acquire", semaphore_acquire},
      {"queue_get_put", queue_get_put}, {"join_zero", join_zero},       {"async_result_get", async_result_get},
      {"nowait_forms", nowait_forms}};
  for (auto [name, part] : parts) {
    std::printf("%s from main\n", name);
    part();
    pinfiber::wait();
    std::printf("%s from a greenlet\n", name);
    spawn(part).join();
    pinfiber::wait();
  }
}
