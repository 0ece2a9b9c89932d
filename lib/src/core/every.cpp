#include "pinfiber/core/every.hpp"

#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/logging.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber {

Greenlet<void> every(TimeSpan period, std::function<void(const Tick&)> fn, EveryOptions options) {
  const Duration p = period.duration();
  if (p <= Duration::zero()) throw Error("every(" + logging::Field("", p).value() + "): the period must be positive");
  std::string name = options.name.empty() ? "every " + logging::Field("", p).value() : std::move(options.name);
  const bool now = options.now;
  return spawn_with({.name = std::move(name)}, [p, now, fn = std::move(fn)]() mutable {
    // The grid is laid once, at the start; deadlines are absolute, so neither fn's run time nor a
    // late wake-up shifts the ticks after it.
    const TimePoint start = Clock::now();
    std::uint64_t k = now ? 0 : 1;
    for (;;) {
      const TimePoint due = start + p * static_cast<Duration::rep>(k);
      // Only the deadline ends the wait; an interrupt (kill, Timeout) throws out of park_until.
      while (detail::park_until({"the next tick of every()"}, due)) {
      }
      // The last tick whose time has come: those between k and it could not run on time.
      const auto latest = static_cast<std::uint64_t>((Clock::now() - start) / p);
      const std::uint64_t missed = latest > k ? latest - k : 0;
      k += missed;
      fn(Tick{k, start + p * static_cast<Duration::rep>(k), missed});
      ++k;
    }
  });
}

}  // namespace pinfiber
