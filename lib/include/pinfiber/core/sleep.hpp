#pragma once
// Sleeping, yielding, idling and pausing.

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

/// Blocks the current greenlet for `d` on the hub's clock (`sleep(0.2)`, `sleep(200ms)`), letting the
/// others run. A zero or negative `d` yields: the greenlet goes to the back of the run queue behind
/// everything already ready (gevent's sleep(0)); with nothing else ready the hub still polls I/O and
/// fires due timers before the caller goes on, so a loop polling a flag with sleep(0) sees what a
/// timer or a ready fd sets (a paused test clock does not jump for it: see testing.hpp). Throws the
/// greenlet's pending interrupt (kill, Timeout) at the blocking point.
void sleep(TimeSpan d);

/// The same as sleep(0). Inline: see detail::yield_now() for why.
inline void yield() { detail::yield_now(); }

/// Blocks the current greenlet until the hub has nothing else to do: every other greenlet is blocked
/// and no I/O or timer is due (gevent.idle()). Throws the caller's interrupts.
void idle();

/// Blocks the current greenlet until it is killed - the idiom of a daemon whose main has nothing left
/// to do but wait for a signal handler to call shutdown(). Unlike sleep(forever), it keeps the hub
/// alive: main gets no LoopExit even when nothing else could wake it. Throws the caller's interrupts
/// (GreenletExit from shutdown(): catch it and return from main).
void pause();

}  // namespace pinfiber
