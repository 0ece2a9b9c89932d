// Rule 2: a kill is not a failure and never spreads. A greenlet ended by GreenletExit (killed while
// blocked, or before it started) is successful(), its exception() is null, link_value fires for it;
// reading its result - get(), value(), an AsyncResult linked to it, joinall(raise_error),
// Group::join(raise_error) - never kills the reader, from main or from a greenlet. Prints what
// kill_not_failure.py prints: where gevent hands back the GreenletExit object as the value, a
// Greenlet<T> (and an AsyncResult<T> linked to it) throws GreenletKilled, printed as "GreenletExit".

#include <stdexcept>

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::spawn;

namespace {

int sleeper(const char* name) {
  struct Unwind {
    const char* name;
    ~Unwind() { std::printf("%s unwinds\n", name); }
  } unwind{name};
  pinfiber::sleep(10);
  return 1;
}

// What Python prints as type(x.get()).__name__.
template <class Get>
const char* type_of(Get get) {
  try {
    get();
    return "int";
  } catch (const pinfiber::GreenletKilled&) {
    return "GreenletExit";
  }
}

void describe(const char* name, const GreenletBase& g) {
  std::printf("%s dead %s successful %s exception %s\n", name, pair::py(g.dead()), pair::py(g.successful()),
              pair::py(g.exception()).c_str());
}

}  // namespace

int main() {
  pair::begin();

  // Killed while blocked, from main.
  auto g = spawn(sleeper, "g");
  pinfiber::sleep(0);
  g.link_value([](const GreenletBase&) { std::puts("g link_value fires"); });
  g.link_exception([](const GreenletBase&) { std::puts("g link_exception fires"); });
  g.kill();
  describe("g", g);
  std::printf("main get -> %s\n", type_of([&] { g.get(); }));
  std::printf("main value -> %s\n", type_of([&] { g.value(); }));
  pinfiber::sleep(0);

  // Killed before it started: it never runs, its links still fire.
  auto h = spawn(sleeper, "h");
  h.link([](const GreenletBase&) { std::puts("h link fires"); });
  h.kill();
  describe("h", h);
  std::printf("h get -> %s\n", type_of([&] { h.get(); }));
  pinfiber::sleep(0);

  // Read by another greenlet: the reader goes on.
  auto k = spawn(sleeper, "k");
  auto r = spawn([k] {
    std::printf("reader gets -> %s\n", type_of([&] { k.get(); }));
    std::puts("reader goes on");
  });
  pinfiber::sleep(0);
  k.kill(false);
  r.join();
  describe("reader", r);

  // An AsyncResult linked to a killed greenlet.
  pinfiber::AsyncResult<int> res;
  auto m = spawn(sleeper, "m");
  m.link(res);
  pinfiber::sleep(0);
  m.kill();
  const char* got = type_of([&] { res.get(); });
  std::printf("result get -> %s ready %s\n", got, pair::py(res.ready()));

  // joinall(raise_error) and Group::join(raise_error) do not raise for a kill.
  auto n1 = spawn(sleeper, "n1");
  auto n2 = spawn([] { return 2; });
  pinfiber::sleep(0);
  n1.kill(false);
  std::printf("joinall -> %zu\n", pinfiber::joinall({n1, n2}, pinfiber::forever, true).size());
  pinfiber::Group grp;
  auto p1 = grp.spawn(sleeper, "p1");
  grp.spawn([] { return 3; });
  pinfiber::sleep(0);
  p1.kill(false);
  grp.join(pinfiber::forever, true);
  std::printf("group joined, empty %s\n", pair::py(grp.size() == 0));

  // A kill with another exception is a failure, like any exception.
  auto f = spawn(sleeper, "f");
  pinfiber::sleep(0);
  f.kill(std::make_exception_ptr(std::invalid_argument("stop")));
  describe("f", f);
  try {
    f.get();
  } catch (const std::invalid_argument& e) {
    std::printf("f get raised %s\n", e.what());
  }
  std::puts("end");
}
