// Rule 1, the kinds of links: link_value / link_exception choose by outcome, rawlink runs inline in
// the hub in its turn among the others, unlink removes one, an AsyncResult can be the target, and
// links may block - on a queue, on another greenlet, on a timer. Prints what links_kinds.py prints.

#include <stdexcept>

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::spawn;

int main() {
  pair::begin();
  auto ok = [] {
    std::puts("ok runs");
    return 1;
  };
  auto fail = []() -> int {
    std::puts("fail runs");
    throw std::invalid_argument("boom");
  };
  auto show = [](std::string tag) {
    return [tag](const GreenletBase& g) { std::printf("%s successful %s\n", tag.c_str(), pair::py(g.successful())); };
  };

  auto a = spawn(ok);
  auto b = spawn(fail);
  for (auto [g, n] : {std::pair{a, "a"}, std::pair{b, "b"}}) {
    const std::string name = n;
    g.link_value(show(name + " link_value"));
    g.link_exception(show(name + " link_exception"));
    g.rawlink(show(name + " rawlink"));
    g.link(show(name + " link"));
    auto dropped = g.link(show(name + " unlinked"));
    g.unlink(dropped);
  }
  pinfiber::joinall({a, b});
  std::puts("joined both");
  pinfiber::wait();

  // An AsyncResult as the link target takes the greenlet's outcome.
  pinfiber::AsyncResult<int> r1, r2;
  spawn([] { return 42; }).link(r1);
  spawn(fail).link(r2);
  std::printf("r1 %d\n", r1.get());
  try {
    r2.get();
  } catch (const std::invalid_argument& e) {
    std::printf("r2 raised %s\n", e.what());
  }

  // Links that block: a queue get, a join, a timer; the others go on meanwhile.
  pinfiber::Queue<std::string> q;
  auto late = spawn([] {
    pinfiber::sleep(0.1);
    std::puts("late ends");
  });
  auto c = spawn([] { std::puts("c runs"); });
  c.link([&](const GreenletBase&) {
    std::puts("queue link waits");
    std::printf("queue link got %s\n", q.get().c_str());
  });
  c.link([&](const GreenletBase&) {
    std::puts("join link waits");
    late.join();
    std::puts("join link joined");
  });
  c.link([](const GreenletBase&) {
    std::puts("timer link sleeps");
    pinfiber::sleep(0.02);
    std::puts("timer link woke");
  });
  c.join();
  std::puts("main puts");
  q.put("x");
  pinfiber::sleep(0);
  std::puts("main slept");
  pinfiber::wait();
  std::puts("end");
}
