#include "pinfiber/sync/event.hpp"

namespace pinfiber {

bool Event::wait(TimeSpan timeout) {
  if (flag_) {
    // Set already, but a set() is still waking earlier waiters: they run first (gevent's order).
    if (notifying()) wait_behind_pass({"Event.wait"});
    return true;
  }
  return Linkable::wait(deadline_in(timeout), {"Event.wait"});
}

}  // namespace pinfiber
