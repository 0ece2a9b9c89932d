#pragma once
// Semaphore and BoundedSemaphore (gevent.lock).

#include <chrono>
#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/linkable.hpp"

namespace pinfiber {

/// A counter of permits. acquire() takes one, blocking while there is none; release() returns one.
/// As in gevent, a release queues the wake-up of the longest waiter, which takes the permit when it
/// runs; a greenlet that releases and re-acquires without blocking in between gets it back. Blocked
/// acquirers are woken first-come first-served, one per free permit, and a woken one that finds the
/// permit gone waits again at the front. Any greenlet may release. Meets the standard Lockable
/// requirements, so std::lock_guard / std::unique_lock (with a timeout: `std::unique_lock lk(sem,
/// 1s)`) are its RAII guards.
///
///   pinfiber::Semaphore sem(2);
///   { std::lock_guard hold(sem); use_the_resource(); }   // at most two greenlets in here
///   if (sem.acquire(500ms)) { ...; sem.release(); }
class Semaphore : private detail::Linkable {
 public:
  /// A semaphore with `value` permits.
  explicit Semaphore(std::size_t value = 1) : Linkable(Pass::while_ready), counter_(value) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;
  virtual ~Semaphore() = default;

  /// Takes a permit, blocking until one is free or `timeout` passes. Returns false on timeout (as
  /// gevent does), true otherwise; a zero timeout lets every ready greenlet run once before it gives
  /// up. A greenlet killed while blocked holds no permit afterwards. Throws the caller's interrupts,
  /// and LoopExit in the main greenlet if no permit can ever come.
  bool acquire(TimeSpan timeout = forever);
  /// Takes a permit if one is free now. Never blocks.
  bool try_acquire();
  /// Returns a permit and queues the wake-up of the longest waiter, if any. Never blocks.
  /// (BoundedSemaphore throws Error when this would exceed its initial value.)
  virtual void release();

  /// Free permits now.
  std::size_t counter() const { return counter_; }
  /// True if acquire() would block.
  bool locked() const { return counter_ == 0; }
  /// True while a permit is free (gevent's ready(); what wait()/iwait() would wait for).
  bool ready() const override { return counter_ > 0; }
  /// Greenlets blocked in acquire() or wait().
  std::size_t waiter_count() const { return link_count(); }
  /// Blocks until a permit is free (without taking it) or `timeout` passes; returns counter(), which
  /// is 0 on timeout.
  std::size_t wait(TimeSpan timeout = forever);

  // Lockable, for std::lock_guard / std::unique_lock / std::scoped_lock.
  void lock() { acquire(); }
  bool try_lock() { return try_acquire(); }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& d) {
    return acquire(d);
  }
  void unlock() { release(); }

 protected:
  // What LoopExit names when main blocks here; Lock says "Lock.acquire".
  const char* what_ = "Semaphore.acquire";

 private:
  std::size_t counter_;
};

/// A Semaphore that refuses to be released more times than it was acquired: release() beyond the
/// initial value throws Error instead of silently adding a permit (the bug gevent's docs recommend it
/// for).
///
///   pinfiber::BoundedSemaphore sem(2);
///   sem.acquire(); sem.release();
///   sem.release();   // throws pinfiber::Error
class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(std::size_t value = 1) : Semaphore(value), bound_(value) {}
  /// Returns a permit; throws Error (and changes nothing) if every permit is already free.
  void release() override;
  /// The initial value, which counter() never exceeds.
  std::size_t bound() const { return bound_; }

 private:
  std::size_t bound_;
};

}  // namespace pinfiber
