#include "pinfiber/core/sleep.hpp"

#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

void sleep(Duration d) {
  if (d <= Duration::zero()) {
    yield();
    return;
  }
  const TimePoint deadline = deadline_after(Clock::now(), d);
  // Only the deadline ends a sleep; an interrupt (kill, Timeout) throws out of park_until.
  while (detail::park_until({"sleep"}, deadline)) {
  }
}

void sleep(double seconds) { sleep(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds))); }

}  // namespace pinfiber
