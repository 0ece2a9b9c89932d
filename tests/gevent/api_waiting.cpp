// The waiting API a porting user reaches for: joinall(timeout, count), wait(objects, timeout, count),
// iwait(objects, timeout, count) over greenlets, Events and AsyncResults, wait() with no objects,
// idle(). Prints what api_waiting.py prints.

#include <vector>

#include "pair.hpp"

using pinfiber::Greenlet;
using pinfiber::GreenletBase;
using pinfiber::spawn;

namespace {

std::string napper(std::string name, double t) {
  pinfiber::sleep(t);
  std::printf("   %s wakes\n", name.c_str());
  return name;
}

using Nappers = std::vector<Greenlet<std::string>>;

// Python's repr of a list of names: ['a', 'b'].
std::string names(const Nappers& all, const std::vector<GreenletBase>& done) {
  std::string out = "[";
  for (const auto& g : done) {
    for (const auto& n : all) {
      if (n == g) out += (out.size() > 1 ? ", '" : "'") + n.value() + "'";
    }
  }
  return out + "]";
}
std::string names(const char* const* labels, const std::vector<std::size_t>& indices) {
  std::string out = "[";
  for (std::size_t i : indices) out += (out.size() > 1 ? ", '" : "'") + std::string(labels[i]) + "'";
  return out + "]";
}

void joinall_count() {
  Nappers gs{spawn(napper, "n3", 0.15), spawn(napper, "n1", 0.03), spawn(napper, "n2", 0.06)};
  auto done = pinfiber::joinall(gs, pinfiber::forever, false, 2);
  std::printf("   joinall(count=2) -> %s\n", names(gs, done).c_str());
  done = pinfiber::joinall(gs, 0.01);
  std::printf("   joinall(timeout) -> %s\n", names(gs, done).c_str());
  done = pinfiber::joinall(gs);
  std::printf("   joinall() -> %s\n", names(gs, done).c_str());
}

void wait_mixed() {
  pinfiber::Event ev;
  pinfiber::AsyncResult<std::string> r;
  auto g = spawn(napper, "g", 0.06);
  spawn([&ev] {
    pinfiber::sleep(0.01);
    ev.set();
  });
  spawn([r] {
    pinfiber::sleep(0.1);
    r.set("r");
  });
  const char* labels[] = {"g", "ev", "r"};
  std::printf("   wait(count=1) -> %s\n", names(labels, pinfiber::wait({g, ev, r}, pinfiber::forever, 1)).c_str());
  std::printf("   wait(timeout=0.01) -> %s\n", names(labels, pinfiber::wait({g, ev, r}, 0.01)).c_str());
  std::printf("   wait() -> %s\n", names(labels, pinfiber::wait({g, ev, r})).c_str());
}

void iwait_in_order() {
  Nappers gs{spawn(napper, "i3", 0.09), spawn(napper, "i1", 0.03), spawn(napper, "i2", 0.06)};
  for (std::size_t i : pinfiber::iwait({gs[0], gs[1], gs[2]}))
    std::printf("   iwait yields %s\n", gs[i].value().c_str());
  Nappers late{spawn(napper, "late", 0.15), spawn(napper, "soon", 0.03)};
  for (std::size_t i : pinfiber::iwait({late[0], late[1]}, 0.08)) {
    std::printf("   iwait(timeout) yields %s\n", late[i].value().c_str());
  }
  std::puts("   iwait(timeout) ended");
  for (std::size_t i : pinfiber::iwait({late[0], late[1]}, pinfiber::forever, 1)) {
    std::printf("   iwait(count=1) yields %s\n", late[i].value().c_str());
  }
}

void iwait_ready_already() {
  Nappers done{spawn(napper, "d1", 0), spawn(napper, "d2", 0)};
  pinfiber::joinall(done);
  spawn([] { std::puts("   ready greenlet runs first"); });
  for (std::size_t i : pinfiber::iwait({done[0], done[1]}))
    std::printf("   iwait yields %s\n", done[i].value().c_str());
}

void wait_everything() {
  spawn(napper, "w1", 0.06);
  spawn(napper, "w2", 0.03);
  std::printf("   wait() with no objects -> %s\n", pair::py(pinfiber::wait()));
}

void idle_waits_for_the_rest() {
  auto worker = [](const char* name) {
    for (int i = 0; i < 2; ++i) {
      std::printf("   %s step %d\n", name, i);
      pinfiber::sleep(0);
    }
  };
  spawn(worker, "a");
  spawn(worker, "b");
  pinfiber::idle();
  std::puts("   idle returned");
}

}  // namespace

int main() {
  pair::begin();
  const std::pair<const char*, void (*)()> parts[] = {
      {"joinall_count", joinall_count},     {"wait_mixed", wait_mixed},
      {"iwait_in_order", iwait_in_order},   {"iwait_ready_already", iwait_ready_already},
      {"wait_everything", wait_everything}, {"idle_waits_for_the_rest", idle_waits_for_the_rest}};
  for (auto [name, part] : parts) {
    std::puts(name);
    part();
    pinfiber::wait();
  }
}
