#include "pinfiber/core/wait_queue.hpp"

namespace pinfiber::detail {

bool WaitQueue::wait(WaitFor what, TimePoint deadline) {
  Waiter w;
  list_.push_back(&w);
  try {
    // Loop: only notify_one/notify_all (which unlink the waiter) or the deadline end the wait.
    while (!w.notified && park_until(what, deadline)) {
    }
  } catch (...) {
    if (w.linked()) {
      list_.erase(&w);
    } else if (w.notified) {
      notify_one();  // it was picked but will not act on it: pass the wake-up on
    }
    throw;
  }
  if (w.linked()) list_.erase(&w);
  return w.notified;
}

bool WaitQueue::notify_one() {
  ListNode* n = list_.pop_front();
  if (!n) return false;
  auto* w = static_cast<Waiter*>(n);
  w->notified = true;
  w->wake(w);
  return true;
}

std::size_t WaitQueue::notify_all() {
  std::size_t n = 0;
  while (notify_one()) ++n;
  return n;
}

}  // namespace pinfiber::detail
