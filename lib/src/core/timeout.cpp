#include "pinfiber/core/timeout.hpp"

#include <cstdio>

#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

Timeout::Timeout(TimeSpan d) : Timeout(d, nullptr, true) {}

Timeout::Timeout(TimeSpan d, std::exception_ptr custom, bool start_now)
    : duration_(d), id_(detail::unique_id()), custom_(std::move(custom)) {
  if (duration_ == forever) {
    std::snprintf(what_, sizeof what_, "Timeout (never)");
  } else {
    std::snprintf(what_, sizeof what_, "Timeout after %.3f s", std::chrono::duration<double>(duration_).count());
  }
  if (start_now) start();
}

Timeout::Timeout(const Timeout& other)
    : Interrupt(other), duration_(other.duration_), id_(other.id_), custom_(other.custom_), copy_(true) {
  std::snprintf(what_, sizeof what_, "%s", other.what_);
}

Timeout::~Timeout() { cancel(); }

void Timeout::start() {
  if (copy_) throw Error("start a Timeout: this is a copy (the thrown exception), not the deadline itself");
  if (pending()) throw Error(std::string("start a Timeout: it is already armed (") + what_ + ")");
  if (duration_ == forever) return;
  owner_ = detail::current_fiber();
  timer_.fire = &Timeout::fire;
  timer_.context = this;
  detail::arm_timer(timer_, deadline_in(duration_));
}

void Timeout::cancel() {
  if (owner_) detail::disarm_timer(timer_);
  owner_ = nullptr;
}

bool Timeout::pending() const { return owner_ && timer_.armed(); }

void Timeout::fire(detail::TimerNode* node) {
  auto* self = static_cast<Timeout*>(node->context);
  std::exception_ptr ex = self->custom_ ? self->custom_ : std::make_exception_ptr(Timeout(*self));
  detail::Fiber* owner = std::exchange(self->owner_, nullptr);
  detail::interrupt(owner, std::move(ex));
}

}  // namespace pinfiber
