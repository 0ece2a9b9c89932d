#pragma once
// Event: a flag greenlets wait on (gevent.event.Event).

#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/linkable.hpp"

namespace pinfiber {

/// A flag that greenlets wait for. set() wakes every waiter, in the order they began waiting, at the
/// turn of a notification queued behind what was already scheduled (gevent's order); waits that
/// start while it is set return at once - after the waiters a set() is still waking; clear() makes
/// later waits block again.
///
///   pinfiber::Event ready;
///   pinfiber::spawn([&] { ready.wait(); std::puts("go"); });
///   ready.set();   // the waiter prints "go" on its turn
class Event : private detail::Linkable {
 public:
  Event() : Linkable(Pass::snapshot) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Sets the flag and queues the wake-up of every current waiter. Never blocks; setting a set Event
  /// does nothing more.
  void set() {
    flag_ = true;
    check_and_notify();
  }
  /// Resets the flag; waiters a set() already queued still return true.
  void clear() { flag_ = false; }
  /// True while set.
  bool is_set() const { return flag_; }
  /// Same as is_set(), for wait()/iwait() and gevent's spelling.
  bool ready() const override { return flag_; }

  /// Blocks until the Event is set or `timeout` passes. Returns true if it was set (a waiter woken
  /// by set() returns true even if clear() came before it ran), false on timeout: like gevent, a
  /// timeout is not an error here. A zero timeout lets every ready greenlet run once first. Throws
  /// the caller's interrupts (kill, Timeout), and LoopExit in the main greenlet if nothing can ever
  /// set it.
  bool wait(TimeSpan timeout = forever);

  /// Greenlets waiting now.
  std::size_t waiter_count() const { return link_count(); }

  /// For multi-object waits (pinfiber::wait / iwait).
  detail::Linkable& linkable() { return *this; }

 private:
  bool flag_ = false;
};

}  // namespace pinfiber
