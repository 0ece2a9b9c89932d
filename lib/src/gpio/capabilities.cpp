// What the common code checks against a backend's capabilities before it asks for something the
// backend cannot do, so the error names the setting instead of an errno from deep inside a library.

#include <cerrno>
#include <string>

#include "gpio/state.hpp"
#include "pinfiber/gpio/error.hpp"

namespace pinfiber::gpio {

const char* to_string(EventClock c) {
  switch (c) {
    case EventClock::monotonic: return "monotonic";
    case EventClock::realtime: return "realtime";
    case EventClock::hte: return "hte";
  }
  return "?";
}

namespace detail {

void check_event_clock(const ChipState& chip, unsigned offset, EventClock clock, bool software_debounce) {
  if (clock == EventClock::monotonic) return;
  const Capabilities caps = chip.backend->capabilities();
  const bool offered = clock == EventClock::realtime ? caps.realtime_clock : caps.hte_clock;
  const std::string action = "request " + chip.line_description(offset);
  if (!offered) {
    throw GpioError(EOPNOTSUPP, action,
                    "the '" + std::string(chip.backend->name()) + "' backend has no " + to_string(clock) +
                        " event clock; libgpiod 2 has");
  }
  // The software debouncer times its quiet periods from the events' timestamps on the hub's clock.
  if (software_debounce) {
    throw GpioError(EINVAL, action,
                    std::string("software debounce needs the monotonic event clock, not ") + to_string(clock));
  }
}

}  // namespace detail
}  // namespace pinfiber::gpio
