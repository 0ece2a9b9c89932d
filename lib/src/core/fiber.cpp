#include "pinfiber/core/detail/fiber.hpp"

#include "core/hub_impl.hpp"

namespace pinfiber::detail {

Fiber::Fiber(std::size_t stack_size) : stack_size_(stack_size) {}

Fiber::~Fiber() = default;

std::string Fiber::name() const {
  if (!name_.empty()) return name_;
  return "Greenlet-" + std::to_string(id_);
}

void Fiber::add_link(std::function<void()> fn) {
  if (dead()) {
    fn();
    return;
  }
  links_.push_back(std::move(fn));
}

Fiber* current_fiber() { return HubImpl::current().current_fiber(); }
void park(WaitFor what) { HubImpl::current().park(what); }
bool park_until(WaitFor what, TimePoint deadline) { return HubImpl::current().park_until(what, deadline); }
void unpark(Fiber* f) { HubImpl::current().unpark(f); }
void interrupt(Fiber* f, std::exception_ptr ex) { HubImpl::current().interrupt(f, std::move(ex)); }

void arm_timer(TimerNode& node, TimePoint deadline) { HubImpl::current().arm(node, deadline); }
void disarm_timer(TimerNode& node) {
  if (node.armed()) HubImpl::current().disarm(node);
}

}  // namespace pinfiber::detail
