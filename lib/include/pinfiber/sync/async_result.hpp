#pragma once
// AsyncResult: a value (or an exception) delivered once to every greenlet waiting for it
// (gevent.event.AsyncResult).

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/timeout.hpp"
#include "pinfiber/core/wait_queue.hpp"
#include "pinfiber/sync/detail/handoff.hpp"

namespace pinfiber {

namespace detail {

// What every AsyncResult<T> shares, whatever T is.
class AsyncResultCore {
 public:
  bool ready() const { return ready_; }
  bool successful() const { return ready_ && !error_; }
  const std::exception_ptr& exception() const { return error_; }
  WaitQueue& waiters() { return waiters_; }

  // Blocks until ready or the deadline; returns ready().
  bool wait_until(TimePoint deadline, const char* what) {
    if (ready_) return true;
    Waiter w;
    return wait_handoff(waiters_, w, {what}, deadline, [] {});
  }
  void mark_ready(std::exception_ptr error) {
    ready_ = true;
    error_ = std::move(error);
    waiters_.notify_all();
  }

 private:
  bool ready_ = false;
  std::exception_ptr error_;
  WaitQueue waiters_;
};

template <class T>
struct AsyncResultState : AsyncResultCore {
  std::optional<T> value;
};
template <>
struct AsyncResultState<void> : AsyncResultCore {};

}  // namespace detail

/// A result that one greenlet delivers and any number wait for: set(value) or set_exception(e) once,
/// and every get() - past or future - returns that value or rethrows that exception. Copies are handles
/// to the same result (so one can be captured by a producer and a consumer, or given to
/// Greenlet::link). Setting it again replaces the value for later get()s, as in gevent.
///
///   pinfiber::AsyncResult<std::string> r;
///   pinfiber::spawn([r] { pinfiber::sleep(3s); r.set("Hello!"); });
///   std::puts(r.get().c_str());   // blocks 3 s, prints Hello!
template <class T>
class AsyncResult {
 public:
  AsyncResult() : s_(std::make_shared<detail::AsyncResultState<T>>()) {}

  /// Stores `value` and wakes every waiter, in the order they waited. Never blocks.
  template <class U = T>
  requires(!std::is_void_v<T>) && std::constructible_from<T, U&&> void set(U&& value) const {
    s_->value.emplace(std::forward<U>(value));
    s_->mark_ready(nullptr);
  }
  /// For AsyncResult<void>: marks it done and wakes every waiter. Never blocks.
  void set() const requires std::is_void_v<T> { s_->mark_ready(nullptr); }
  /// Stores an exception that every get() will rethrow, and wakes every waiter. Never blocks.
  void set_exception(std::exception_ptr error) const { s_->mark_ready(std::move(error)); }

  /// True once set() or set_exception() was called.
  bool ready() const { return s_->ready(); }
  /// True if it was set with a value.
  bool successful() const { return s_->successful(); }
  /// The exception it was set with, or null.
  std::exception_ptr exception() const { return s_->exception(); }

  /// Blocks until it is ready or `timeout` passes, then returns the value (a reference shared by all
  /// getters) or rethrows the stored exception. Throws Timeout::expired(timeout) if the timeout runs
  /// out (gevent raises Timeout here), the caller's own interrupts, and LoopExit in the main greenlet
  /// if nothing can ever set it.
  decltype(auto) get(Duration timeout = forever) const {
    if (!s_->wait_until(detail::deadline_in(timeout), "AsyncResult.get")) throw Timeout::expired(timeout);
    if (s_->exception()) std::rethrow_exception(s_->exception());
    if constexpr (!std::is_void_v<T>) return static_cast<T&>(*s_->value);
  }
  /// get() without blocking: throws Timeout::expired(0) if it is not ready (as gevent's get_nowait).
  decltype(auto) get_nowait() const { return get(Duration::zero()); }

  /// Blocks until it is ready or `timeout` passes; returns ready(). Never throws the stored exception.
  bool wait(Duration timeout = forever) const {
    return s_->wait_until(detail::deadline_in(timeout), "AsyncResult.wait");
  }

  /// As a link target (`greenlet.link(result)`): takes the finished greenlet's outcome - its value, or
  /// its exception (GreenletExit when killed). The greenlet must return T (for void, anything);
  /// otherwise the result is set to an Error saying so. A move-only value is moved out of the greenlet.
  void operator()(const GreenletBase& g) const {
    if (!g.successful()) {
      set_exception(g.exception());
    } else if constexpr (std::is_void_v<T>) {
      set();
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

  /// For multi-object waits (pinfiber::wait / iwait): the queue set() notifies.
  detail::WaitQueue& waiters() const { return s_->waiters(); }

  friend bool operator==(const AsyncResult& a, const AsyncResult& b) { return a.s_ == b.s_; }

 private:
  std::shared_ptr<detail::AsyncResultState<T>> s_;
};

}  // namespace pinfiber
