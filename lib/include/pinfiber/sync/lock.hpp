#pragma once
// Lock and RLock (gevent.lock).

#include <chrono>
#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/sync/semaphore.hpp"

namespace pinfiber {

/// A mutual-exclusion lock between greenlets: a Semaphore of one permit whose release() throws Error
/// when it is not held. Like gevent's Lock (and unlike std::mutex) any greenlet may release it.
/// Waiters are woken first-come first-served. Guards: std::lock_guard, std::unique_lock (also with a
/// timeout).
///
///   pinfiber::Lock lock;
///   std::lock_guard hold(lock);              // blocks while another greenlet holds it
///   std::unique_lock maybe(lock, 100ms);     // maybe.owns_lock() is false after 100 ms
class Lock : public BoundedSemaphore {
 public:
  Lock() : BoundedSemaphore(1) { what_ = "Lock.acquire"; }
  /// Releases it; throws Error if it is not held.
  void release() override;
};

/// A reentrant lock: the greenlet holding it may acquire it again, and must release it as many times.
/// Only the holder may release it (Error otherwise). Waiters are woken first-come first-served.
///
///   pinfiber::RLock lock;
///   std::lock_guard outer(lock);
///   { std::lock_guard inner(lock); }         // the same greenlet: does not block
class RLock {
 public:
  RLock() = default;
  RLock(const RLock&) = delete;
  RLock& operator=(const RLock&) = delete;

  /// Takes the lock, or one more level of it if this greenlet holds it. Blocks while another greenlet
  /// holds it, up to `timeout`; returns false on timeout. Throws the caller's interrupts, and LoopExit
  /// in the main greenlet if it can never be released.
  bool acquire(TimeSpan timeout = forever);
  /// Takes the lock (or one more level) only if that needs no waiting. Never blocks.
  bool try_acquire();
  /// Drops one level; the last one frees the lock for the next waiter. Throws Error if the calling
  /// greenlet does not hold it.
  void release();
  /// True while some greenlet holds it.
  bool locked() const { return lock_.locked(); }
  /// True if the calling greenlet holds it.
  bool is_owned() const;
  /// Levels held by the holder (0 when free).
  std::size_t count() const { return count_; }

  void lock() { acquire(); }
  bool try_lock() { return try_acquire(); }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& d) {
    return acquire(d);
  }
  void unlock() { release(); }

 private:
  Lock lock_;
  const detail::Fiber* owner_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace pinfiber
