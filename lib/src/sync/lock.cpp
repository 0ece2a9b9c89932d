#include "pinfiber/sync/lock.hpp"

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

void Lock::release() {
  if (!locked()) throw Error("release Lock: it is not locked");
  Semaphore::release();
}

bool RLock::is_owned() const { return owner_ != nullptr && owner_ == detail::current_fiber(); }

bool RLock::try_acquire() {
  const detail::Fiber* me = detail::current_fiber();
  if (owner_ == me) {
    ++count_;
    return true;
  }
  if (!lock_.try_acquire()) return false;
  owner_ = me;
  count_ = 1;
  return true;
}

bool RLock::acquire(TimeSpan timeout) {
  const detail::Fiber* me = detail::current_fiber();
  if (owner_ == me) {
    ++count_;
    return true;
  }
  if (!lock_.acquire(timeout)) return false;
  owner_ = me;
  count_ = 1;
  return true;
}

void RLock::release() {
  if (owner_ != detail::current_fiber()) throw Error("release RLock: the calling greenlet does not hold it");
  if (--count_ == 0) {
    owner_ = nullptr;
    lock_.release();
  }
}

}  // namespace pinfiber
