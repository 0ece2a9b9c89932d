#pragma once
// The one wait primitive every blocking call of every layer is built on, and the calls that end a
// wait. All of these act on the calling thread's hub and are called from a greenlet of that thread
// (the main greenlet counts).
//
// A blocking call registers itself where its wake-up will come from (a Linkable's links, a queue's
// getters, an fd's slot, a thread-pool call), then calls wait_until(what, deadline, ready): the
// deadline, the race between a wake-up and the deadline, and interrupts (kill, Timeout, LoopExit) are
// handled there and only there. Its registration is undone by RAII on every way out.

#include <cstdint>
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

/// What a switch hands the greenlet it resumes: the suspended context of the one that switched away,
/// and that one (Boost.Context's transfer_t, by value). `from` is null when there is nothing to record.
struct Resumption {
  void* context;
  void* from;
};

/// The first half of park_until(): parks the current greenlet and switches to the next one; returns
/// when it is resumed. Throws Error where the caller may not block (the hub, a rawlink callback).
Resumption park_switch(WaitFor what, TimePoint deadline);
/// The second half: records how the greenlet that switched here was left, disarms the deadline,
/// throws the caller's pending interrupt; true if woken, false if the deadline passed.
bool park_resumed(Resumption r);

/// Suspends the current greenlet until wake() resumes it (returns true) or `deadline` passes (returns
/// false). A deadline that has already passed still suspends it: every greenlet that was ready runs
/// once before it resumes (gevent's zero timeouts go through the hub too). TimePoint::max() never
/// expires. Throws the greenlet's pending interrupt (GreenletExit, Timeout, LoopExit) when one arrives.
///
/// Inline, as two calls, for the reason yield_now() gives: the greenlet resumes in its caller's code.
inline bool park_until(WaitFor what, TimePoint deadline) { return park_resumed(park_switch(what, deadline)); }

/// The wait: blocks the current greenlet until `ready()` is true, re-checking it each time the
/// greenlet is woken, and returns true then; returns false once `deadline` has passed with `ready()`
/// still false (a wake-up that races with the deadline wins: ready() is asked once more). If `ready()`
/// is true at the start it returns at once without switching. Interrupts propagate.
template <class Ready>
bool wait_until(WaitFor what, TimePoint deadline, Ready&& ready) {
  while (!ready()) {
    if (!park_until(what, deadline)) return ready();
  }
  return true;
}

/// Makes a parked greenlet ready: it runs after everything already scheduled. No effect on one
/// that is not parked. Callable from the hub (timer and I/O callbacks) and from greenlets.
void wake(Fiber* f);

/// If `f` is parked, marks it running and returns it (for a Notifier::step() that hands it the CPU
/// at once); otherwise returns null.
Fiber* resume_now(Fiber* f);

/// Delivers `ex` to `f` now (a Timeout expiring, LoopExit): a parked greenlet wakes and throws it at
/// its blocking point; a ready one throws it when it resumes; one that never started ends with it,
/// without running. The current greenlet throws at once.
void interrupt(Fiber* f, std::exception_ptr ex);

/// Queues a kill of `f` behind everything already scheduled (gevent's kill order): when its turn
/// comes, `ex` is thrown at the blocking point `f` is at then. One that never started ends at once,
/// without running, and never will. No effect on a dead greenlet.
void queue_kill(Fiber* f, std::exception_ptr ex);

/// A number unique among those this thread's hub handed out (greenlet ids, Timeout ids, link ids).
std::uint64_t unique_id();

/// The first half of yield_now(): moves the current greenlet to the back of the run queue and
/// switches to the next one; returns when the greenlet is resumed. Throws Error where the caller may
/// not block (the hub, a rawlink callback).
Resumption yield_switch();
/// The second half: records how the greenlet that switched here was left, then throws the caller's
/// pending interrupt (kill, Timeout).
void resumed_after_yield(Resumption r);

/// Moves the current greenlet to the back of the run queue and runs the others (sleep(0)).
///
/// Inline, as two calls: a CPU predicts each return from the calls it has seen, and after a switch
/// the calls it has seen are the other greenlet's, so the first return after a switch is
/// mispredicted - about 8 ns on a PC, as much as the whole switch. yield_switch() jumps by a tail
/// call, so the greenlet resumes right here in its caller's code, and the half that follows is a
/// call of its own whose return is predicted. (A raw Boost.Context round trip with each resume in a
/// non-inline function costs 27 ns instead of 12 on the machine of bench/RESULTS.md:
/// BM_RoundTrip_BoostContextBehindCalls in bench/core_switch.cpp.)
inline void yield_now() { resumed_after_yield(yield_switch()); }

/// Counts one operation that completed without waiting (a recv that found data, a send that found
/// room). After a bounded run of them the greenlet yields through the hub, which polls I/O and fires
/// timers first, so a peer that keeps a socket always ready cannot starve timers, other sockets or
/// GPIO edges (tokio's cooperative budget). Throws the caller's interrupts.
void cooperate();

}  // namespace pinfiber::detail
