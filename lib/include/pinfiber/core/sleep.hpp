#pragma once
// Sleeping and yielding.

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

/// Blocks the current greenlet for `d` on the hub's clock, letting the others run. A zero or negative
/// `d` yields: the greenlet goes to the back of the run queue behind everything already ready
/// (gevent's sleep(0)). Throws the greenlet's pending interrupt (kill, Timeout) at the blocking point.
void sleep(Duration d);

/// sleep() in seconds, for code read side by side with gevent: sleep(0), sleep(0.2).
void sleep(double seconds);

/// The same as sleep(0).
void yield();

}  // namespace pinfiber
