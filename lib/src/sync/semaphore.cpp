#include "pinfiber/sync/semaphore.hpp"

#include <string>

#include "pinfiber/core/errors.hpp"
#include "pinfiber/sync/detail/handoff.hpp"

namespace pinfiber {

bool Semaphore::try_acquire() {
  if (counter_ == 0) return false;
  --counter_;
  return true;
}

bool Semaphore::acquire(Duration timeout) {
  if (try_acquire()) return true;
  // The permit travels inside notify_one(): release() does not touch counter_ when it wakes a waiter.
  detail::Waiter w;
  return detail::wait_handoff(waiters_, w, {what_}, detail::deadline_in(timeout), [this] { release(); });
}

void Semaphore::release() {
  if (waiters_.notify_one()) return;
  ++counter_;
  available_.notify_all();
}

std::size_t Semaphore::wait(Duration timeout) {
  if (counter_ > 0) return counter_;
  detail::Waiter w;
  detail::wait_handoff(available_, w, {what_}, detail::deadline_in(timeout), [] {});
  return counter_;
}

void BoundedSemaphore::release() {
  if (counter() >= bound_) {
    throw Error("release BoundedSemaphore(" + std::to_string(bound_) + "): released more times than acquired");
  }
  Semaphore::release();
}

}  // namespace pinfiber
