// Rule 7: shutdown never hangs. On SIGTERM the handler calls pinfiber::shutdown(), which kills every
// other greenlet and then main; a polite greenlet unwinds, a stubborn one swallows GreenletExit and
// keeps running - and the process still ends, main's own cleanup included, with the straggler named on
// stderr (the ctest checks that line; compare.py bounds how long each side may take). Prints what
// shutdown_straggler.py prints. On the paused clock the grace periods pass at once.

#include <signal.h>
#include <unistd.h>

#include <pinfiber/io/signal.hpp>

#include "pair.hpp"

using pinfiber::GreenletExit;

namespace {
// Outside main: the stubborn greenlet outlives main's frame (it is killed again at thread exit).
bool swallowed = false;
}  // namespace

int main() {
  pair::begin();
  pinfiber::spawn_with({.name = "stubborn"}, [] {
    for (;;) {
      try {
        pinfiber::sleep(1);
      } catch (const GreenletExit&) {
        if (!swallowed) std::puts("stubborn swallows GreenletExit and goes on");
        swallowed = true;
      }
    }
  });
  pinfiber::spawn([] {
    struct Unwind {
      ~Unwind() { std::puts("polite unwinds"); }
    } unwind;
    pinfiber::sleep(10);
  });
  pinfiber::sleep(0);
  pinfiber::SignalHandler on_term(SIGTERM, [] {
    std::puts("SIGTERM: kill the others, then main");
    pinfiber::shutdown();
  });
  ::kill(::getpid(), SIGTERM);
  try {
    pinfiber::sleep(100);
  } catch (const GreenletExit&) {
    std::puts("main got GreenletExit");
  }
  std::puts("main returns");
}
