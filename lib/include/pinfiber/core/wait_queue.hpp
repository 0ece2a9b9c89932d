#pragma once
// WaitQueue: the FIFO of parked greenlets that every sync primitive (Event, Queue, Semaphore, ...)
// and every join is built on.

#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/park.hpp"

namespace pinfiber::detail {

/// One waiting party. `wake` runs in the notifier's context when it is picked; the default wakes
/// `fiber`. Multi-object waits (joinall, iwait) put several Waiters with a custom wake in several queues.
struct Waiter : ListNode {
  static void wake_fiber(Waiter* w) { unpark(w->fiber); }
  void (*wake)(Waiter*) = &wake_fiber;
  Fiber* fiber = current_fiber();
  bool notified = false;
  void* context = nullptr;  // free for a custom wake
};

/// FIFO of waiters. Usage, inside a primitive:
///   while (!condition()) if (!waiters_.wait({"Queue.get"}, deadline)) throw_timeout();
///   ... and on the other side: waiters_.notify_one();
class WaitQueue {
 public:
  WaitQueue() = default;
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  /// Parks the current greenlet until notify_one()/notify_all() picks it (returns true) or
  /// `deadline` passes (returns false). If the greenlet is interrupted (kill, Timeout) its pending
  /// exception is thrown; a notification it received at the same moment is handed to the next waiter
  /// first, so a wake-up is never lost.
  bool wait(WaitFor what, TimePoint deadline = TimePoint::max());

  /// Wakes the longest-waiting party; false if there was none.
  bool notify_one();
  /// Wakes every party, in the order they started waiting; returns how many.
  std::size_t notify_all();

  /// For multi-object waits: adds / removes a waiter without parking.
  void add(Waiter& w) { list_.push_back(&w); }
  void remove(Waiter& w) {
    if (w.linked()) list_.erase(&w);
  }

  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }

 private:
  IntrusiveList list_;
};

}  // namespace pinfiber::detail
