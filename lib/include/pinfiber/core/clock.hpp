#pragma once
// Time as the hub sees it: a steady clock that tests can pause and advance.

#include <chrono>
#include <cstdint>

namespace pinfiber {

/// Durations everywhere in pinfiber; any std::chrono duration converts to it (`500ms`, `2s`).
using Duration = std::chrono::nanoseconds;

/// A timeout that never expires; the default of every blocking call.
inline constexpr Duration forever = Duration::max();

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

/// The deadline `timeout` from `now`, saturating: forever (or any overflow) gives TimePoint::max().
constexpr TimePoint deadline_after(TimePoint now, Duration timeout) {
  if (timeout == forever || timeout > TimePoint::max() - now) return TimePoint::max();
  return now + (timeout < Duration::zero() ? Duration::zero() : timeout);
}

}  // namespace pinfiber
