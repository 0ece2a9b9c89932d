#pragma once
// Timeout: a scoped deadline on the current greenlet.

#include <cstdio>
#include <exception>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/timer.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

namespace detail {
class Fiber;
}

/// A deadline covering every blocking call the current greenlet makes while it is in scope. When it
/// expires, the greenlet's current (or next) blocking call throws pinfiber::Timeout, or the exception
/// given at construction; destroying or cancel()ling it first disarms it. Nested timeouts are
/// independent: each throws only when its own deadline passes.
///
///   try { pinfiber::Timeout t(1s); pinfiber::sleep(10s); }
///   catch (const pinfiber::Timeout& t) { /* 1 s later */ }
///
/// The thrown object is a non-owning copy; is() tells which Timeout fired. Timeout is not a
/// std::exception (see errors.hpp): `catch (const std::exception&)` does not swallow it.
class Timeout : public Interrupt {
 public:
  /// Starts a deadline `d` from now that throws Timeout. forever (or a negative value) arms nothing.
  explicit Timeout(Duration d);
  /// Starts a deadline that throws `exception` (any copyable type) instead of Timeout.
  template <class E>
  Timeout(Duration d, E exception) : Timeout(d, std::make_exception_ptr(std::move(exception)), 0) {}
  ~Timeout() override;
  /// Copies identify the same deadline but own nothing (this is how the exception object is made).
  Timeout(const Timeout& other);
  Timeout& operator=(const Timeout&) = delete;

  /// Disarms the deadline; a no-op if it already fired or was cancelled.
  void cancel();
  /// True while armed and not yet expired.
  bool pending() const;
  /// The duration this deadline was started with.
  Duration duration() const { return duration_; }
  /// True if `other` is (a copy of) the same deadline.
  bool is(const Timeout& other) const { return id_ == other.id_; }
  /// "Timeout after 1.000 s".
  const char* what() const noexcept override { return what_; }

  /// The exception thrown by a call whose own timeout argument `d` ran out (join, get, ...): a Timeout
  /// that owns no deadline and is() no scoped one.
  static Timeout expired(Duration d);

 private:
  Timeout(Duration d, std::exception_ptr custom, int);
  static void fire(detail::TimerNode* node);

  detail::TimerNode timer_;
  Duration duration_;
  std::uint64_t id_ = 0;
  detail::Fiber* owner_ = nullptr;  // null in copies
  std::exception_ptr custom_;
  char what_[48]{};
};

/// Runs `fn()` under a Timeout of `d`; returns its result, or `fallback` if the deadline passed.
template <class F, class T>
auto with_timeout(Duration d, F&& fn, T fallback) -> decltype(fn()) {
  Timeout t(d);
  try {
    return std::forward<F>(fn)();
  } catch (const Timeout& fired) {
    if (!fired.is(t)) throw;
    return fallback;
  }
}

}  // namespace pinfiber
