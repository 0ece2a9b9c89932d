#include "pinfiber/core/sleep.hpp"

#include "core/hub_impl.hpp"
#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

void sleep(TimeSpan d) {
  if (d.duration() <= Duration::zero()) {
    detail::yield_now();
    return;
  }
  const TimePoint deadline = deadline_in(d);
  // Only the deadline ends a sleep; an interrupt (kill, Timeout) throws out of park_until.
  while (detail::park_until({"sleep"}, deadline)) {
  }
}

void idle() { detail::HubImpl::current().wait_idle(); }

void pause() {
  detail::HubImpl& hub = detail::HubImpl::current();
  hub.hold();
  struct Unhold {
    detail::HubImpl& hub;
    ~Unhold() { hub.unhold(); }
  } unhold{hub};
  for (;;) detail::park_until({"pause() (until killed)"}, TimePoint::max());
}

}  // namespace pinfiber
