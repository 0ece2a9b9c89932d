// More shapes, found while porting: an AsyncResult set twice, an Event set, cleared and set before
// its waiters ran, RLock waiters with and without timeouts, a greenlet killing itself, a link that
// spawns and times out, a greenlet killed while a full Pool blocks its spawn, a failure read by two.
// Prints what misc_semantics.py prints.

#include <stdexcept>

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::GreenletExit;
using pinfiber::spawn;

namespace {

void result_set_twice() {
  pinfiber::AsyncResult<int> r;
  spawn([r] { std::printf("   first getter %d\n", r.get()); });
  pinfiber::sleep(0);
  r.set(1);
  r.set(2);
  spawn([r] { std::printf("   later getter %d\n", r.get()); });
  pinfiber::wait();
}

void event_set_clear_set() {
  pinfiber::Event ev;
  auto w = [&ev](int n) {
    const bool got = ev.wait();
    std::printf("   w %d -> %s %s\n", n, pair::py(got), pair::py(ev.is_set()));
  };
  spawn(w, 1);
  spawn(w, 2);
  pinfiber::sleep(0);
  ev.set();
  ev.clear();
  ev.set();
  spawn(w, 3);
  pinfiber::wait();
}

void rlock_waiters() {
  pinfiber::RLock lock;
  auto user = [&lock](int n, double t) {
    const bool got = lock.acquire(t);
    std::printf("   user %d got %s\n", n, pair::py(got));
    if (got) {
      pinfiber::sleep(0.02);
      lock.release();
    }
  };
  lock.acquire();
  spawn(user, 1, 0.01);
  spawn(user, 2, 1);
  spawn(user, 3, 1);
  pinfiber::sleep(0.05);
  std::puts("   main releases");
  lock.release();
  pinfiber::wait();
}

void suicide() {
  spawn([] {
    try {
      pinfiber::getcurrent().kill(false);
      std::puts("   still running");
      pinfiber::sleep(0);
      std::puts("   not reached");
    } catch (const GreenletExit&) {
      std::puts("   got my own kill at sleep(0)");
    }
  }).join();
}

void link_spawns_and_times_out() {
  auto g = spawn([] { std::puts("   g runs"); });
  g.link([](const GreenletBase&) {
    std::puts("   link spawns");
    spawn([] { std::puts("   spawned by link"); });
    try {
      pinfiber::Timeout t(0.01);
      pinfiber::sleep(1);
    } catch (const pinfiber::Timeout&) {
      std::puts("   link timed out");
    }
  });
  spawn([] { std::puts("   other"); });
  pinfiber::wait();
}

void killed_in_pool_spawn() {
  pinfiber::Pool pool(1);
  pool.spawn([] { pinfiber::sleep(0.02); });
  auto s = spawn([&pool] {
    try {
      pool.spawn([] { std::puts("   never"); });
    } catch (const GreenletExit&) {
      std::puts("   spawner killed while the pool was full");
    }
  });
  pinfiber::sleep(0);
  s.kill();
  pool.join();
  std::printf("   pool free %zu\n", pool.free_count());
}

void failure_read_twice() {
  auto g = spawn([] { throw std::invalid_argument("v"); });
  auto r = spawn([g] {
    try {
      g.get();
    } catch (const std::invalid_argument& e) {
      std::printf("   reader got ValueError %s\n", e.what());
    }
  });
  g.link_exception([](const GreenletBase&) { std::puts("   link_exception fired"); });
  try {
    g.get();
  } catch (const std::invalid_argument&) {
    std::puts("   main got ValueError");
  }
  r.join();
  pinfiber::sleep(0);
}

}  // namespace

int main() {
  pair::begin();
  pinfiber::hub().set_exception_handler([](const std::string&, std::exception_ptr) {});  // g fails on purpose
  const std::pair<const char*, void (*)()> parts[] = {{"result_set_twice", result_set_twice},
                                                      {"event_set_clear_set", event_set_clear_set},
                                                      {"rlock_waiters", rlock_waiters},
                                                      {"suicide", suicide},
                                                      {"link_spawns_and_times_out", link_spawns_and_times_out},
                                                      {"killed_in_pool_spawn", killed_in_pool_spawn},
                                                      {"failure_read_twice", failure_read_twice}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
