// Story 8: exiting cleanly. signal(SIGQUIT/SIGTERM, shutdown): on a signal every greenlet stops,
// its destructors run, and then main's blocking call throws GreenletExit so main returns - no
// greenlet left behind.
// Here the program sends itself SIGTERM after 2.5 s of work.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include <pinfiber/pinfiber.hpp>

#include "paused_clock.hpp"

using namespace std::chrono_literals;

struct Worker {
  int id;
  ~Worker() { std::printf("worker %d: cleaned up\n", id); }
};

int main(int argc, char** argv) {
  example::take_paused_clock_flag(argc, argv);
  pinfiber::SignalHandler on_quit(SIGQUIT, pinfiber::shutdown);
  pinfiber::SignalHandler on_term(SIGTERM, pinfiber::shutdown);
  std::vector<pinfiber::Greenlet<void>> workers;
  for (int id = 1; id <= 2; ++id) {
    workers.push_back(pinfiber::spawn([id] {
      Worker w{id};
      for (int tick = 1;; ++tick) {
        pinfiber::sleep(1s);
        std::printf("worker %d: tick %d\n", id, tick);
      }
    }));
  }
  auto stopper = pinfiber::spawn([] {
    pinfiber::sleep(2500ms);
    std::printf("sending SIGTERM\n");
    ::kill(::getpid(), SIGTERM);
  });
  try {
    pinfiber::joinall(workers);
  } catch (const pinfiber::GreenletExit&) {
    std::printf("main: shutdown requested\n");
  }
  // shutdown() killed the workers (their destructors ran) before it interrupted main.
  std::printf("main: %zu greenlets left\n", pinfiber::hub().greenlet_count());
  return 0;
}
