#pragma once
// The wait every sync primitive is built on: park in a WaitQueue until a notifier hands this waiter
// what it waits for (an item, a permit, a wake-up), the deadline passes, or an interrupt arrives.
//
// Why a hand-off rather than "wake and re-check": a woken greenlet runs only when its turn in the run
// queue comes, and anyone running before it could take the item or permit it was woken for. Handing
// the thing over inside notify_one() (the waiter's `wake` function does it) keeps waiters served
// strictly first-come first-served, and lets a killed waiter give back exactly what it had received.

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/wait_queue.hpp"

namespace pinfiber::detail {

/// Parks the current greenlet with `w` queued in `q` until a notify picks `w` (returns true) or
/// `deadline` passes (returns false). A deadline that already passed returns false without parking.
/// If an interrupt (kill, Timeout, LoopExit) arrives, `w` leaves the queue; if it had already been
/// picked, `give_back()` returns what it was handed (to the next waiter, or to the object), and the
/// interrupt propagates. A pick that races with the deadline wins: the waiter keeps what it got.
template <class GiveBack>
bool wait_handoff(WaitQueue& q, Waiter& w, WaitFor what, TimePoint deadline, GiveBack&& give_back) {
  q.add(w);
  try {
    // Loop: a greenlet can be unparked for another reason (a multi-object wait it left behind).
    while (!w.notified && park_until(what, deadline)) {
    }
  } catch (...) {
    if (w.linked()) {
      q.remove(w);
    } else if (w.notified) {
      give_back();
    }
    throw;
  }
  if (w.linked()) q.remove(w);
  return w.notified;
}

/// The deadline `timeout` from now on the hub's clock (forever: none).
inline TimePoint deadline_in(Duration timeout) { return deadline_after(Clock::now(), timeout); }

}  // namespace pinfiber::detail
