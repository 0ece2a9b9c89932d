// Greenlet as a porting user meets it: make_greenlet(f, args...) then start() / start_later(),
// spawn_later, the state flags, getcurrent, unlink and rawlink, a kill before a delayed start.
// Prints what api_greenlet.py prints.

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::spawn;

namespace {

std::string hello(std::string who) {
  std::printf("   hello %s\n", who.c_str());
  return who;
}

void states(const char* name, const GreenletBase& g) {
  // gevent's started is bool(g), false again once it finished: asked only before that.
  std::string started = g.ready() ? "" : std::string(" started ") + pair::py(g.started());
  std::printf("   %s%s ready %s dead %s successful %s\n", name, started.c_str(), pair::py(g.ready()),
              pair::py(g.dead()), pair::py(g.successful()));
}

void unstarted_then_started() {
  auto g = pinfiber::make_greenlet(hello, "unstarted");
  states("made", g);
  pinfiber::sleep(0);
  std::puts("   nothing ran");
  g.start();
  states("started", g);
  g.join();
  states("joined", g);
}

void start_later_and_spawn_later() {
  auto g = pinfiber::make_greenlet(hello, "later");
  g.start_later(0.06);
  auto s = pinfiber::spawn_later(0.03, hello, "sooner");
  states("delayed", g);
  pinfiber::joinall({g, s});
  auto k = pinfiber::spawn_later(0.01, hello, "never");
  k.kill();
  states("killed before its start", k);
  pinfiber::sleep(0.02);
  std::puts("   after its start time");
}

void current_and_names() {
  std::printf("   main is main: %s\n", pair::py(pinfiber::getcurrent() == pinfiber::main_greenlet()));
  GreenletBase g;
  g = spawn([&g] { std::printf("   inside, getcurrent is g: %s\n", pair::py(pinfiber::getcurrent() == g)); });
  g.join();
}

void unlink_and_rawlink() {
  auto g = spawn(hello, "linked");
  auto a = g.link([](const GreenletBase&) { std::puts("   link a"); });
  g.rawlink([](const GreenletBase&) { std::puts("   rawlink"); });
  g.link([](const GreenletBase&) { std::puts("   link b"); });
  g.unlink(a);
  g.join();
  pinfiber::sleep(0);
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {{"unstarted_then_started", unstarted_then_started},
                                                      {"start_later_and_spawn_later", start_later_and_spawn_later},
                                                      {"current_and_names", current_and_names},
                                                      {"unlink_and_rawlink", unlink_and_rawlink}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
