// Story 5: greenlet-local values.
//
// f1 stores stash.x and f2 stores stash.y; f2 cannot see f1's x. gevent prints the same for
// examples/gevent/greenlet_local.py, where reading an attribute the greenlet never set raises
// AttributeError; here value() throws pinfiber::Error.

#include <pinfiber/pinfiber.hpp>

#include <cstdio>

#include "paused_clock.hpp"

namespace {
// gevent's `stash = local()` holds any attribute; in C++ each attribute is a local of its own.
struct Stash {
  pinfiber::local<int> x;
  pinfiber::local<int> y;
};
}  // namespace

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  Stash stash;

  auto f1 = [&] {
    stash.x.set(1);
    std::printf("%d\n", stash.x.value());
  };
  auto f2 = [&] {
    stash.y.set(2);
    std::printf("%d\n", stash.y.value());
    try {
      stash.x.value();
    } catch (const pinfiber::Error&) {
      std::puts("x is not local to f2");
    }
  };

  auto g1 = pinfiber::spawn(f1);
  auto g2 = pinfiber::spawn(f2);
  pinfiber::joinall({g1, g2});
}
