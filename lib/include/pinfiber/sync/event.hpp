#pragma once
// Event: a flag greenlets wait on (gevent.event.Event).

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/wait_queue.hpp"

namespace pinfiber {

/// A flag that greenlets wait for. set() wakes every waiter, in the order they began waiting; waits
/// that start while it is set return at once; clear() makes later waits block again.
///
///   pinfiber::Event ready;
///   pinfiber::spawn([&] { ready.wait(); std::puts("go"); });
///   ready.set();   // the waiter prints "go" on its next turn
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Sets the flag and wakes every current waiter (queued to run in the order they waited). Never
  /// blocks; setting a set Event does nothing.
  void set();
  /// Resets the flag; waiters already woken by set() still return true.
  void clear() { flag_ = false; }
  /// True while set.
  bool is_set() const { return flag_; }
  /// Same as is_set(), for wait()/iwait() and gevent's spelling.
  bool ready() const { return flag_; }

  /// Blocks until the Event is set or `timeout` passes. Returns true if it was set (a waiter woken
  /// by set() returns true even if clear() came before it ran), false on timeout: like gevent, a
  /// timeout is not an error here. Throws the caller's interrupts (kill, Timeout), and LoopExit in
  /// the main greenlet if nothing can ever set it.
  bool wait(Duration timeout = forever);

  /// Greenlets waiting now.
  std::size_t waiter_count() const { return waiters_.size(); }

  /// For multi-object waits (pinfiber::wait / iwait): the queue set() notifies.
  detail::WaitQueue& waiters() { return waiters_; }

 private:
  bool flag_ = false;
  detail::WaitQueue waiters_;
};

}  // namespace pinfiber
