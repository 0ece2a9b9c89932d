// Rule 6: kills arrive in gevent's order. A kill is queued behind what is already scheduled: a victim
// already due to resume (from its own sleep(0), or woken by a set() queued before the kill) resumes
// first and gets GreenletExit at its next blocking call; one killed first gets it where it blocks.
// kill(block) returns once the victim ran to its end or next blocking point, before the victim's
// links; killall kills in the order given. From main and from greenlets, with timers. Prints what
// kill_order.py prints.

#include <stdexcept>
#include <vector>

#include "pair.hpp"

using pinfiber::GreenletBase;
using pinfiber::GreenletExit;
using pinfiber::spawn;

namespace {

void stepper(const char* name, int steps = 5) {
  try {
    for (int i = 0; i < steps; ++i) {
      std::printf("   %s step %d\n", name, i);
      pinfiber::sleep(0);
    }
  } catch (const GreenletExit&) {
    std::printf("   %s killed\n", name);
  }
}

void victim_due_to_resume() {
  auto v = spawn(stepper, "v", 5);
  pinfiber::sleep(0);  // v: step 0, then its sleep(0) puts it back in the queue, behind main
  v.kill(false);
  std::puts("   kill queued");
  v.join();
  std::puts("   joined");
}

void victim_woken_by_event() {
  pinfiber::Event ev;
  auto wait_then_sleep = [&ev](const char* name) {
    try {
      ev.wait();
      std::printf("   %s woke\n", name);
      pinfiber::sleep(0);
      std::printf("   %s slept\n", name);
    } catch (const GreenletExit&) {
      std::printf("   %s killed\n", name);
    }
  };
  auto a = spawn(wait_then_sleep, "a");
  pinfiber::sleep(0);
  ev.set();       // a's wake-up is queued first ...
  a.kill(false);  // ... then the kill: a wakes, then dies at its sleep(0)
  auto b = spawn(wait_then_sleep, "b");
  ev.clear();
  pinfiber::sleep(0);
  b.kill(false);  // the kill is queued first ...
  ev.set();       // ... then the wake-up: b dies in its wait
  pinfiber::joinall({a, b});
}

void blocking_kill_returns_before_links() {
  pinfiber::Event ev;
  auto p = spawn([&ev] {
    try {
      pinfiber::sleep(1);
    } catch (const GreenletExit&) {
      std::puts("   polite unwinds, sets the event");
      ev.set();
    }
  });
  p.link([](const GreenletBase&) { std::puts("   polite's link"); });
  spawn([&ev] {
    ev.wait();
    std::puts("   listener woke");
  });
  pinfiber::sleep(0);
  p.kill();
  std::printf("   kill returned, dead %s\n", pair::py(p.dead()));
  pinfiber::wait();
}

void kill_from_a_greenlet() {
  auto v = spawn(stepper, "v", 3);
  spawn([v] {
    std::puts("   killer kills");
    v.kill();
    std::printf("   killer: kill returned, dead %s\n", pair::py(v.dead()));
  });
  pinfiber::wait();
}

void stubborn_victim() {
  auto s = spawn([] {
    try {
      pinfiber::sleep(1);
    } catch (const GreenletExit&) {
      std::puts("   stubborn caught it, finishes later");
    }
    pinfiber::sleep(0.05);
    std::puts("   stubborn finishes");
  });
  pinfiber::sleep(0);
  s.kill(true, 0.01);
  std::printf("   kill(timeout) returned, dead %s\n", pair::py(s.dead()));
  s.kill();
  std::printf("   second kill returned, dead %s\n", pair::py(s.dead()));
}

void killall_in_order() {
  std::vector<GreenletBase> gs;
  for (const char* n : {"k1", "k2", "k3"}) gs.push_back(spawn(stepper, n, 5));
  pinfiber::sleep(0);
  spawn([] { std::puts("   already scheduled runs"); });
  pinfiber::killall(gs);
  bool all_dead = true;
  for (auto& g : gs) all_dead = all_dead && g.dead();
  std::printf("   killall returned, all dead %s\n", pair::py(all_dead));
}

void killall_other_exception() {
  auto sleeper = [](const char* name) {
    try {
      pinfiber::sleep(1);
    } catch (const std::invalid_argument& e) {
      std::printf("   %s got %s\n", name, e.what());
      throw;
    }
  };
  std::vector<GreenletBase> gs{spawn(sleeper, "e1"), spawn(sleeper, "e2")};
  pinfiber::sleep(0);
  pinfiber::killall(gs, std::make_exception_ptr(std::invalid_argument("go")));
  std::printf("   successful [%s, %s]\n", pair::py(gs[0].successful()), pair::py(gs[1].successful()));
}

void timer_victim() {
  auto s = spawn([] {
    try {
      pinfiber::sleep(0.2);
      std::puts("   sleepy woke");
    } catch (const GreenletExit&) {
      std::puts("   sleepy killed in its sleep");
    }
  });
  pinfiber::sleep(0.01);
  s.kill();
  std::puts("   killed before its timer");
}

}  // namespace

int main() {
  pair::begin();
  pinfiber::hub().set_exception_handler([](const std::string&, std::exception_ptr) {});  // e1, e2 fail on purpose
  const std::pair<const char*, void (*)()> parts[] = {
      {"victim_due_to_resume", victim_due_to_resume},
      {"victim_woken_by_event", victim_woken_by_event},
      {"blocking_kill_returns_before_links", blocking_kill_returns_before_links},
      {"kill_from_a_greenlet", kill_from_a_greenlet},
      {"stubborn_victim", stubborn_victim},
      {"killall_in_order", killall_in_order},
      {"killall_other_exception", killall_other_exception},
      {"timer_victim", timer_victim}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
