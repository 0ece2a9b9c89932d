#include "pinfiber/core/timeout.hpp"

#include <cstdio>

#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

namespace {
std::uint64_t next_timeout_id() {
  static thread_local std::uint64_t last = 0;
  return ++last;
}
}  // namespace

Timeout::Timeout(Duration d) : Timeout(d, nullptr, 0) {}

Timeout::Timeout(Duration d, std::exception_ptr custom, int)
    : duration_(d), id_(next_timeout_id()), custom_(std::move(custom)) {
  if (d == forever) {
    std::snprintf(what_, sizeof what_, "Timeout (never)");
    return;
  }
  std::snprintf(what_, sizeof what_, "Timeout after %.3f s", std::chrono::duration<double>(d).count());
  if (d < Duration::zero()) return;
  owner_ = detail::current_fiber();
  timer_.fire = &Timeout::fire;
  timer_.context = this;
  detail::arm_timer(timer_, deadline_after(Clock::now(), d));
}

Timeout::Timeout(const Timeout& other)
    : Interrupt(other), duration_(other.duration_), id_(other.id_), custom_(other.custom_) {
  std::snprintf(what_, sizeof what_, "%s", other.what_);
}

Timeout::~Timeout() { cancel(); }

Timeout Timeout::expired(Duration d) {
  Timeout t(Duration(-1));
  t.duration_ = d;
  std::snprintf(t.what_, sizeof t.what_, "Timeout after %.3f s", std::chrono::duration<double>(d).count());
  return t;
}

void Timeout::cancel() {
  if (owner_) detail::disarm_timer(timer_);
}

bool Timeout::pending() const { return owner_ && timer_.armed(); }

void Timeout::fire(detail::TimerNode* node) {
  auto* self = static_cast<Timeout*>(node->context);
  std::exception_ptr ex = self->custom_ ? self->custom_ : std::make_exception_ptr(Timeout(*self));
  detail::interrupt(self->owner_, std::move(ex));
}

}  // namespace pinfiber
