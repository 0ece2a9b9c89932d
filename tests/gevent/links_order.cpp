// Rule 1: links run after the greenlet finished, from the hub, in the order they were added, each in
// a greenlet of its own (so each may block); a link added to a finished greenlet runs after link()
// returned. Prints what links_order.py prints under gevent.

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::spawn;

int main() {
  pair::begin();
  auto work = [](std::string name) {
    std::printf("%s runs\n", name.c_str());
    return name;
  };
  auto other = [](int n) {
    std::printf("other %d\n", n);
    pinfiber::sleep(0);
    std::printf("other %d again\n", n);
  };
  auto cb = [](int tag, pinfiber::Greenlet<std::string> g) {
    return [tag, g](const GreenletBase&) {
      std::printf("link %d of %s starts\n", tag, g.value().c_str());
      pinfiber::sleep(0);
      std::printf("link %d ends\n", tag);
    };
  };

  // From main: the links of a finished greenlet run behind the greenlets already ready.
  auto a = spawn(work, "a");
  auto o1 = spawn(other, 1);
  a.link(cb(1, a));
  a.link(cb(2, a));
  auto o2 = spawn(other, 2);
  std::puts("main joins a");
  a.join();
  std::puts("main joined a");
  pinfiber::sleep(0);
  std::puts("main slept");
  pinfiber::wait();

  // A link added to a finished greenlet runs after link() returned, not inside it.
  a.link(cb(3, a));
  std::puts("link returned");
  pinfiber::sleep(0);
  std::puts("main slept once");
  pinfiber::wait();
  std::puts("all done");

  // From a greenlet: it links to another one, which finishes while the linker goes on.
  auto linker = [&](pinfiber::Greenlet<std::string> target) {
    target.link(cb(4, target));
    std::puts("linker linked");
    pinfiber::sleep(0);
    std::puts("linker slept");
    target.link(cb(5, target));
    std::puts("linker linked again");
  };
  auto b = spawn(work, "b");
  spawn(linker, b);
  pinfiber::wait();
  std::puts("end");
}
