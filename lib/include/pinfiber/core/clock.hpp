#pragma once
// Time as the hub sees it: a steady clock that tests can pause and advance, and the one type every
// blocking call takes its timeout or delay as.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <type_traits>

namespace pinfiber {

/// Durations inside pinfiber: nanoseconds.
using Duration = std::chrono::nanoseconds;

/// A timeout that never expires; the default of every blocking call.
inline constexpr Duration forever = Duration::max();

/// A span of time as a caller passes it: any std::chrono duration (`500ms`, `2s`, `1.5min`) or plain
/// seconds as a number (`0.5`, `10`), as gevent takes them, so `sleep(10)`, `Timeout t(1)` and
/// `led.blink(0.5, 0.5, 3)` read as they do in Python. Spans too large for nanoseconds saturate to
/// `forever`; negative spans count as zero where a timeout is meant.
class TimeSpan {
 public:
  constexpr TimeSpan() = default;
  template <class Rep, class Period>
  constexpr TimeSpan(std::chrono::duration<Rep, Period> d)  // NOLINT: implicit by design
      : d_(from_chrono(d)) {}
  template <class Number>
  requires std::is_arithmetic_v<Number> &&
      (!std::same_as<Number, bool>)constexpr TimeSpan(Number seconds)  // NOLINT: implicit by design
      : d_(saturate(static_cast<long double>(seconds) * 1e9L)) {}
  /// Exact for a Duration (no detour through floating point).
  constexpr TimeSpan(Duration d) : d_(d) {}  // NOLINT

  constexpr operator Duration() const { return d_; }  // NOLINT
  constexpr Duration duration() const { return d_; }
  /// The span in seconds (for messages).
  constexpr double seconds() const { return std::chrono::duration<double>(d_).count(); }

 private:
  // Rounds to the nearest nanosecond (0.001 s is 1,000,000 ns, not 999,999) and saturates.
  static constexpr Duration saturate(long double ns) {
    if (ns >= static_cast<long double>(Duration::max().count())) return Duration::max();
    if (ns <= static_cast<long double>(Duration::min().count())) return Duration::min() + Duration(1);
    return Duration(static_cast<Duration::rep>(ns < 0 ? ns - 0.5L : ns + 0.5L));
  }
  template <class Rep, class Period>
  static constexpr Duration from_chrono(std::chrono::duration<Rep, Period> d) {
    const long double ns = static_cast<long double>(d.count()) * Period::num / Period::den * 1e9L;
    if constexpr (std::is_integral_v<Rep>) {
      // Exact whenever it fits; the floating-point value only tells whether it does.
      if (ns > -9.2e18L && ns < 9.2e18L) return std::chrono::duration_cast<Duration>(d);
    }
    return saturate(ns);
  }
  Duration d_{0};
};

/// Passed as a per-call timeout, "use the object's own timeout" (Socket::set_timeout, Fd::set_timeout);
/// it is the default of every blocking call of an object that has a timeout of its own.
inline constexpr Duration object_timeout = Duration::min();

/// The hub's clock: steady time of the calling thread's hub, which jumps instead of sleeping while
/// the test clock is paused (see Hub::pause_clock). Satisfies the standard Clock requirements.
struct Clock {
  using duration = Duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock, Duration>;
  static constexpr bool is_steady = true;
  /// Now, on the calling thread's hub (creating the hub if needed). Never blocks.
  static time_point now();
};

using TimePoint = Clock::time_point;

/// The deadline `timeout` from `now`, saturating: forever (or any overflow) gives TimePoint::max(); a
/// negative timeout counts as zero.
constexpr TimePoint deadline_after(TimePoint now, Duration timeout) {
  if (timeout == forever || timeout > TimePoint::max() - now) return TimePoint::max();
  return now + (timeout < Duration::zero() ? Duration::zero() : timeout);
}

/// The deadline `timeout` from now on the calling thread's hub clock.
inline TimePoint deadline_in(Duration timeout) {
  return timeout == forever ? TimePoint::max() : deadline_after(Clock::now(), timeout);
}

}  // namespace pinfiber
