#pragma once
// Interval timers that do not drift: `every(period, fn)` runs fn at start + k * period on the hub's
// clock, whatever fn's own run time. A tick that could not run on time - fn ran past it, or a greenlet
// held the hub - is skipped and counted, never run late in a burst: a sampler that fell behind takes
// the next sample on the grid instead of three back to back.
//
//   auto sampler = pinfiber::every(1s, [&](const pinfiber::Tick& t) {
//     if (t.missed) pinfiber::logging::warning("sampler fell behind", {{"missed", t.missed}});
//     read_sensor();
//   });
//   ...; sampler.kill();            // stops it (or shutdown(), like any greenlet)

#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"

namespace pinfiber {

/// What an interval callback is told about the tick it runs for.
struct Tick {
  std::uint64_t number = 0;  // k: this run is for start + k * period (the first is 1, or 0 with `now`)
  TimePoint scheduled{};     // start + k * period, on the hub's clock
  std::uint64_t missed = 0;  // ticks skipped right before this one because they could not run on time
};

/// Options of every().
struct EveryOptions {
  /// The greenlet's name (in logs and the BlockingMonitor's reports); default "every <period>".
  std::string name;
  /// Also run at once, for tick 0 (default: the first run is one period after the start).
  bool now = false;
};

/// Runs `fn` - taking a `const Tick&` or nothing - in a greenlet of its own at start + k * period on
/// the hub's clock (k = 1, 2, ...; from 0 with `options.now`), and returns that greenlet: kill() it to
/// stop. Ticks never drift: each is due on the grid laid at the start, however long fn takes. A tick
/// whose time has passed before the previous run returned is skipped, and the next run's Tick::missed
/// says how many were; fn is never run twice in a row to catch up, nor concurrently with itself. fn may
/// block. An exception escaping fn ends the greenlet (reported, as any greenlet's); catch inside fn to
/// keep ticking. Throws Error if `period` is not positive, and what spawn() throws.
Greenlet<void> every(TimeSpan period, std::function<void(const Tick&)> fn, EveryOptions options = {});

/// every() for a callback that takes no Tick.
template <class F>
requires(std::invocable<F&> && !std::invocable<F&, const Tick&>) Greenlet<void> every(TimeSpan period, F fn,
                                                                                      EveryOptions options = {}) {
  return every(period, std::function<void(const Tick&)>([fn = std::move(fn)](const Tick&) mutable { fn(); }),
               std::move(options));
}

}  // namespace pinfiber
