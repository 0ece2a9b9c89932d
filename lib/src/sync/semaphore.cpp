#include "pinfiber/sync/semaphore.hpp"

#include <string>

#include "pinfiber/core/errors.hpp"

namespace pinfiber {

bool Semaphore::try_acquire() {
  if (counter_ == 0) return false;
  --counter_;
  return true;
}

bool Semaphore::acquire(TimeSpan timeout) {
  if (try_acquire()) return true;
  const TimePoint deadline = deadline_in(timeout);
  bool again = false;
  for (;;) {
    // Wake, then take: the permit is taken here, when this greenlet runs, not by release().
    if (!Linkable::wait(deadline, {what_}, again)) return false;
    if (try_acquire()) return true;
    again = true;  // a woken waiter whose permit was taken first waits again, at the front
  }
}

void Semaphore::release() {
  ++counter_;
  check_and_notify();
}

std::size_t Semaphore::wait(TimeSpan timeout) {
  if (counter_ > 0) return counter_;
  Linkable::wait(deadline_in(timeout), {what_});
  return counter_;
}

void BoundedSemaphore::release() {
  if (counter() >= bound_) {
    throw Error("release BoundedSemaphore(" + std::to_string(bound_) + "): released more times than acquired");
  }
  Semaphore::release();
}

}  // namespace pinfiber
