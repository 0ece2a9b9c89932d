#pragma once
// The checked-output tests (tests/examples) start each example with --paused-clock: its timed steps
// then take no real time and the times it prints are exact. Run by hand without it, an example takes
// the time it says. (pinfiber never reads a test switch itself: a program opts in, as here.)

#include <cstring>

#include "pinfiber/core/hub.hpp"

namespace example {

/// Pauses the hub's clock if the first argument is --paused-clock, and removes that argument.
inline void take_paused_clock_flag(int& argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--paused-clock") == 0) {
    pinfiber::hub().pause_clock();
    for (int i = 1; i + 1 < argc; ++i) argv[i] = argv[i + 1];
    --argc;
  }
}

}  // namespace example
