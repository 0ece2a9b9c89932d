#pragma once
// The one park/unpark mechanism every blocking primitive is built on. All of these act on the
// calling thread's hub and must be called from a greenlet of that thread (the main greenlet counts).

#include <exception>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::detail {

class Fiber;

/// What a parked greenlet waits for, for LoopExit messages and diagnostics.
struct WaitFor {
  const char* what = "an event";
  const Fiber* greenlet = nullptr;  // set when waiting for another greenlet
};

/// The greenlet running now (the main greenlet when none was spawned).
Fiber* current_fiber();
/// Suspends the current greenlet until unpark(). Throws the greenlet's pending interrupt
/// (GreenletExit, Timeout, LoopExit) if one was delivered while it was parked.
void park(WaitFor what);
/// Like park(), but also wakes at `deadline`; returns false if it woke because the deadline passed.
bool park_until(WaitFor what, TimePoint deadline);
/// Makes a parked fiber ready (FIFO); no effect on one that is not parked.
void unpark(Fiber* f);
/// Delivers `ex` to `f` at its blocking point: a parked fiber wakes and throws it, a ready one throws
/// it when it resumes, one that never started never runs and ends with `ex`. The current fiber
/// throws at once.
void interrupt(Fiber* f, std::exception_ptr ex);
/// Moves the current greenlet to the back of the run queue and runs the others (sleep(0)).
void yield_now();

}  // namespace pinfiber::detail
