#pragma once
// AsyncResult: a value (or an exception) delivered once to every greenlet waiting for it
// (gevent.event.AsyncResult).

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/linkable.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"

namespace pinfiber {

namespace detail {

// What every AsyncResult<T> shares, whatever T is: the waiters, and the exception.
class AsyncResultCore : public Linkable {
 public:
  AsyncResultCore() : Linkable(Pass::snapshot) {}
  bool ready() const override { return ready_; }
  bool successful() const { return ready_ && !error_; }
  const std::exception_ptr& exception() const { return error_; }

  // Blocks until ready or the deadline; returns ready(). A wait on a result that is ready already
  // still lets the waiters a set() is waking run first (gevent's wait()).
  bool wait_until(TimePoint deadline, const char* what) {
    if (ready_) {
      if (notifying()) wait_behind_pass({what});
      return true;
    }
    wait(deadline, {what});
    return ready_;
  }
  // The same for get(): a result that is ready is taken at once, as gevent's get() does.
  bool wait_for_get(TimePoint deadline, const char* what) {
    if (ready_) return true;
    wait(deadline, {what});
    return ready_;
  }
  void mark_ready(std::exception_ptr error) {
    ready_ = true;
    error_ = std::move(error);
    check_and_notify();
  }
  [[noreturn]] static void throw_timeout(const char* what, Duration timeout) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(timeout).count());
    throw TimeoutError(std::string(what), buf);
  }

 private:
  bool ready_ = false;
  std::exception_ptr error_;
};

template <class T>
struct AsyncResultState : AsyncResultCore {
  std::optional<T> value;
};
template <>
struct AsyncResultState<void> : AsyncResultCore {};

}  // namespace detail

/// A result that one greenlet delivers and any number wait for: set(value) or set_exception(e), and
/// every get() - past or future - returns that value or rethrows that exception. Waiters wake in the
/// order they waited, at the turn of a notification queued behind what was already scheduled. Copies
/// are handles to the same result (so one can be captured by a producer and a consumer, or given to
/// Greenlet::link). Setting it again replaces the value for later get()s, as in gevent.
///
///   pinfiber::AsyncResult<std::string> r;
///   pinfiber::spawn([r] { pinfiber::sleep(3s); r.set("Hello!"); });
///   std::puts(r.get().c_str());   // blocks 3 s, prints Hello!
template <class T>
class AsyncResult {
 public:
  AsyncResult() : s_(std::make_shared<detail::AsyncResultState<T>>()) {}

  /// Stores `value` and queues the wake-up of every waiter. Never blocks.
  template <class U = T>
  requires(!std::is_void_v<T>) && std::constructible_from<T, U&&> void set(U&& value) const {
    s_->value.emplace(std::forward<U>(value));
    s_->mark_ready(nullptr);
  }
  /// For AsyncResult<void>: marks it done and queues the wake-up of every waiter. Never blocks.
  void set() const requires std::is_void_v<T> { s_->mark_ready(nullptr); }
  /// Stores an exception that every get() will rethrow, and queues the wake-ups. Never blocks.
  void set_exception(std::exception_ptr error) const { s_->mark_ready(std::move(error)); }

  /// True once set() or set_exception() was called.
  bool ready() const { return s_->ready(); }
  /// True if it was set with a value.
  bool successful() const { return s_->successful(); }
  /// The exception it was set with, or null (also while not ready). Never blocks.
  std::exception_ptr exception() const { return s_->exception(); }
  /// The value it was set with, or null (not ready, or set with an exception). Never blocks
  /// (gevent's `.value`).
  T* value() const requires(!std::is_void_v<T>) { return s_->successful() ? &*s_->value : nullptr; }

  /// Blocks until it is ready or `timeout` passes, then returns the value (a reference shared by all
  /// getters) or rethrows the stored exception. Once it is ready, returns at once, without waiting
  /// for the waiters a set() is still waking (gevent's get(); wait() queues behind them). Throws
  /// TimeoutError if the timeout runs out (gevent raises Timeout there), the caller's own interrupts,
  /// and LoopExit in the main greenlet if nothing can ever set it. A zero timeout lets every ready
  /// greenlet run once first.
  decltype(auto) get(TimeSpan timeout = forever) const {
    if (!s_->wait_for_get(deadline_in(timeout), "AsyncResult.get")) s_->throw_timeout("AsyncResult.get", timeout);
    return take();
  }
  /// The value or the stored exception if it is ready now; TimeoutError otherwise. Never blocks.
  decltype(auto) get_nowait() const {
    if (!s_->ready()) s_->throw_timeout("AsyncResult.get_nowait", Duration::zero());
    return take();
  }

  /// Blocks until it is ready or `timeout` passes; returns ready(). Never throws the stored exception.
  /// A wait that finds it ready while a set() is still waking earlier waiters runs after them.
  bool wait(TimeSpan timeout = forever) const { return s_->wait_until(deadline_in(timeout), "AsyncResult.wait"); }

  /// As a link target (`greenlet.link(result)`): takes the finished greenlet's outcome - its value,
  /// or its exception. A killed greenlet has no value: for AsyncResult<void> it counts as done, for
  /// another T get() throws GreenletKilled, as Greenlet<T>::get() does. The greenlet must return T
  /// (for void, anything); otherwise the result is set to an Error saying so. A move-only value is
  /// moved out of the greenlet.
  void operator()(const GreenletBase& g) const {
    if (g.exception()) {
      set_exception(g.exception());
    } else if constexpr (std::is_void_v<T>) {
      set();
    } else if (g.killed()) {
      set_exception(
          std::make_exception_ptr(GreenletKilled("AsyncResult set from greenlet '" + g.name() +
                                                 "': it was killed (GreenletExit) before it returned a value")));
    } else if (auto* f = dynamic_cast<detail::ResultFiber<T>*>(g.fiber())) {
      // A move-only value can only move over: the greenlet's value() is then left moved-from.
      if constexpr (std::is_copy_constructible_v<T>) {
        set(*f->result);
      } else {
        set(std::move(*f->result));
      }
    } else {
      set_exception(std::make_exception_ptr(
          Error("AsyncResult set from greenlet '" + g.name() + "': its result type is not the AsyncResult's")));
    }
  }

  /// For multi-object waits (pinfiber::wait / iwait).
  detail::Linkable& linkable() const { return *s_; }

  friend bool operator==(const AsyncResult& a, const AsyncResult& b) { return a.s_ == b.s_; }

 private:
  decltype(auto) take() const {
    if (s_->exception()) std::rethrow_exception(s_->exception());
    if constexpr (!std::is_void_v<T>) return static_cast<T&>(*s_->value);
  }
  std::shared_ptr<detail::AsyncResultState<T>> s_;
};

}  // namespace pinfiber
