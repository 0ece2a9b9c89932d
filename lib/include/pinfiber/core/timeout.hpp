#pragma once
// Timeout: a scoped deadline on the current greenlet (gevent.Timeout), and the helpers around it.

#include <cstdint>
#include <cstdio>
#include <exception>
#include <type_traits>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/timer.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

namespace detail {
class Fiber;
}

/// A deadline covering every blocking call the greenlet that started it makes while it is armed.
/// When it expires, that greenlet's current (or next) blocking call throws pinfiber::Timeout, or the
/// exception given at construction; destroying or cancel()ling it first disarms it. Nested timeouts
/// are independent: each throws only when its own deadline passes. A zero timeout lets every ready
/// greenlet run once before it fires, as in gevent.
///
///   try { pinfiber::Timeout t(1s); pinfiber::sleep(10s); }     // with Timeout(1): sleep(10)
///   catch (const pinfiber::Timeout& t) { /* 1 s later */ }
///
///   pinfiber::Timeout t = pinfiber::Timeout::unstarted(5s);   // t = Timeout(5) ... t.start()
///   t.start(); work(); t.cancel();
///
/// The thrown object is a non-owning copy; is() tells which Timeout fired. Timeout is not a
/// std::exception (see errors.hpp): `catch (const std::exception&)` does not swallow it.
class Timeout : public Interrupt {
 public:
  /// Starts a deadline `d` from now that throws Timeout. `forever` arms nothing.
  explicit Timeout(TimeSpan d);
  /// Starts a deadline that throws `exception` (any copyable type) instead of Timeout.
  template <class E>
  requires(!std::is_same_v<std::decay_t<E>, bool>) Timeout(TimeSpan d, E exception)
      : Timeout(d, std::make_exception_ptr(std::move(exception)), true) {}
  /// A deadline of `d` that is not armed yet: start() arms it (gevent's Timeout(d) before start()).
  static Timeout unstarted(TimeSpan d) { return Timeout(d, nullptr, false); }
  ~Timeout() override;
  /// Copies identify the same deadline but own nothing (this is how the exception object is made).
  Timeout(const Timeout& other);
  Timeout& operator=(const Timeout&) = delete;

  /// Arms the deadline `duration()` from now, for the calling greenlet. Throws Error if it is
  /// already armed. A Timeout may be started again after it fired or was cancelled.
  void start();
  /// Disarms the deadline; a no-op if it already fired or was cancelled.
  void cancel();
  /// True while armed and not yet expired.
  bool pending() const;
  /// The duration this deadline was made with.
  Duration duration() const { return duration_; }
  /// True if `other` is (a copy of) the same deadline.
  bool is(const Timeout& other) const { return id_ == other.id_; }
  /// "Timeout after 1.000 s".
  const char* what() const noexcept override { return what_; }

 private:
  Timeout(TimeSpan d, std::exception_ptr custom, bool start_now);
  static void fire(detail::TimerNode* node);

  detail::TimerNode timer_;
  Duration duration_;
  std::uint64_t id_ = 0;
  detail::Fiber* owner_ = nullptr;  // set while armed; null in copies
  std::exception_ptr custom_;
  bool copy_ = false;
  char what_[48]{};
};

/// Runs `fn()` under a Timeout of `d` and returns its result; if the deadline passes first, rethrows
/// the Timeout (gevent's with_timeout(seconds, fn)). Timeouts of nested blocks pass through.
template <class F>
auto with_timeout(TimeSpan d, F&& fn) -> decltype(fn()) {
  Timeout t(d);
  return std::forward<F>(fn)();
}

/// Runs `fn()` under a Timeout of `d`; returns its result, or `fallback` if the deadline passed
/// (gevent's with_timeout(seconds, fn, timeout_value=fallback)).
template <class F, class T>
auto with_timeout(TimeSpan d, F&& fn, T fallback) -> decltype(fn()) {
  Timeout t(d);
  try {
    return std::forward<F>(fn)();
  } catch (const Timeout& fired) {
    if (!fired.is(t)) throw;
    return fallback;
  }
}

/// Runs `fn()` with a deadline of `d`; returns true if it finished, false if the deadline cut it
/// short - the block just ends, nothing is thrown: the C++ spelling of gevent's silent
/// `with Timeout(d, False):`. Other timeouts and kills pass through.
template <class F>
bool within(TimeSpan d, F&& fn) {
  Timeout t(d);
  try {
    std::forward<F>(fn)();
    return true;
  } catch (const Timeout& fired) {
    if (!fired.is(t)) throw;
    return false;
  }
}

}  // namespace pinfiber
