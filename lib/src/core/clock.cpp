// The hub's clock: steady time, which the test clock can freeze and move.

#include "pinfiber/core/clock.hpp"

#include "core/hub_impl.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

Clock::time_point Clock::now() { return detail::HubImpl::current().now(); }

}  // namespace pinfiber

namespace pinfiber::detail {

TimePoint HubImpl::now() const {
  if (paused_) return paused_now_;
  return TimePoint(std::chrono::steady_clock::now().time_since_epoch() + offset_);
}

void HubImpl::pause_clock() {
  if (paused_) return;
  paused_now_ = now();
  paused_ = true;
}

void HubImpl::resume_clock() {
  if (!paused_) return;
  offset_ = paused_now_.time_since_epoch() - std::chrono::steady_clock::now().time_since_epoch();
  paused_ = false;
}

void HubImpl::advance_clock(Duration d) {
  if (!paused_) throw Error("advance the test clock: the clock is not paused (call pause_clock() first)");
  paused_now_ += d;
  fire_due_timers();
}

}  // namespace pinfiber::detail
