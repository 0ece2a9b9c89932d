#include "pinfiber/sync/event.hpp"

#include "pinfiber/sync/detail/handoff.hpp"

namespace pinfiber {

void Event::set() {
  if (flag_) return;
  flag_ = true;
  waiters_.notify_all();
}

bool Event::wait(Duration timeout) {
  if (flag_) return true;
  detail::Waiter w;
  // Nothing to give back when a woken waiter is killed: set() woke everyone already.
  return detail::wait_handoff(waiters_, w, {"Event.wait"}, detail::deadline_in(timeout), [] {});
}

}  // namespace pinfiber
