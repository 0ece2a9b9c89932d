// Timeouts as a porting user meets them: a scoped Timeout, the silent one (pinfiber::within, gevent's
// `with Timeout(s, False)`), Timeout::unstarted then start(), cancel(), a Timeout raising another
// exception, nested timeouts, with_timeout with and without a fallback, Timeout around a blocking get,
// and the operation timeouts of get(timeout) (gevent's Timeout; pinfiber's TimeoutError). Prints what
// api_timeout.py prints.

#include <optional>
#include <stdexcept>

#include "pair.hpp"

using pinfiber::Timeout;

namespace {

struct Late : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void scoped() {
  try {
    Timeout t(0.01);
    pinfiber::sleep(1);
    std::puts("   not reached");
  } catch (const Timeout&) {
    std::puts("   Timeout raised");
  }
  pinfiber::within(0.01, [] {
    pinfiber::sleep(1);
    std::puts("   not reached");
  });
  std::puts("   silent timeout: the block just ended");
  pinfiber::within(0.05, [] {
    pinfiber::sleep(0.01);
    std::puts("   finished in time");
  });
}

void unstarted() {
  Timeout t = Timeout::unstarted(0.02);
  pinfiber::sleep(0.03);
  std::printf("   not started: nothing happened; pending %s\n", pair::py(t.pending()));
  t.start();
  std::printf("   started; pending %s\n", pair::py(t.pending()));
  try {
    pinfiber::sleep(1);
  } catch (const Timeout& e) {
    std::printf("   raised, is ours %s\n", pair::py(e.is(t)));
  }
  t.cancel();
  Timeout t2(0.01);
  t2.cancel();
  pinfiber::sleep(0.02);
  std::puts("   cancelled: nothing raised");
}

void other_exception() {
  try {
    Timeout t(0.01, Late("too late"));
    pinfiber::sleep(1);
  } catch (const Late& e) {
    std::printf("   raised %s\n", e.what());
  }
}

void nested() {
  std::optional<Timeout> outer_id;  // a copy names the same deadline, and outlives the block
  try {
    Timeout outer(0.05);
    outer_id.emplace(outer);
    try {
      Timeout inner(0.01);
      pinfiber::sleep(1);
    } catch (const Timeout& inner) {
      std::printf("   inner fired, is outer %s\n", pair::py(inner.is(outer)));
    }
    pinfiber::sleep(1);
  } catch (const Timeout& e) {
    std::printf("   outer fired, is outer %s\n", pair::py(e.is(*outer_id)));
  }
}

void with_timeouts() {
  auto quick = [] {
    pinfiber::sleep(0.01);
    return std::string("done");
  };
  auto slow = [] {
    pinfiber::sleep(1);
    return std::string("done");
  };
  std::printf("   with_timeout -> %s\n", pinfiber::with_timeout(0.05, quick).c_str());
  std::printf("   with_timeout(timeout_value) -> %s\n",
              pinfiber::with_timeout(0.01, slow, std::string("fallback")).c_str());
  try {
    pinfiber::with_timeout(0.01, [] { pinfiber::sleep(1); });
  } catch (const Timeout&) {
    std::puts("   with_timeout raised Timeout");
  }
}

void operation_timeouts() {
  pinfiber::Queue<int> q;
  pinfiber::AsyncResult<int> r;
  auto g = pinfiber::spawn([] { pinfiber::sleep(1); });
  try {
    r.get(0.01);
  } catch (const pinfiber::TimeoutError&) {
    std::puts("   AsyncResult.get(timeout) -> Timeout");
  }
  try {
    g.get(0.01);
  } catch (const pinfiber::TimeoutError&) {
    std::puts("   Greenlet.get(timeout) -> Timeout");
  }
  try {
    q.get(0.01);
  } catch (const pinfiber::Empty&) {
    std::puts("   Queue.get(timeout) -> Empty");
  }
  g.kill();
  try {
    Timeout t(0.01);
    q.get();
  } catch (const Timeout&) {
    std::puts("   Timeout around Queue.get -> Timeout");
  }
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {
      {"scoped", scoped}, {"unstarted", unstarted},         {"other_exception", other_exception},
      {"nested", nested}, {"with_timeouts", with_timeouts}, {"operation_timeouts", operation_timeouts}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
