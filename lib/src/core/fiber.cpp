#include "pinfiber/core/detail/fiber.hpp"

#include "core/hub_impl.hpp"

namespace pinfiber::detail {

Fiber::Fiber(std::size_t stack_size) : Runnable(Kind::fiber), stack_size_(stack_size) {}

Fiber::~Fiber() = default;

void* Fiber::operator new(std::size_t size) {
  if (HubImpl* hub = HubImpl::current_or_null()) return hub->fiber_cache().allocate(size);
  return FiberCache::allocate_uncached(size);
}

void Fiber::operator delete(void* p, std::size_t size) noexcept {
  if (HubImpl* hub = HubImpl::current_or_null()) {
    hub->fiber_cache().recycle(p, size);
  } else {
    FiberCache::free_uncached(p);
  }
}

std::string Fiber::name() const {
  if (!name_.empty()) return name_;
  return "Greenlet-" + std::to_string(id_);
}

void Fiber::set_name(std::string name) {
  name_ = std::move(name);
  // A blocking monitor reads names from the hub's copy, never from the greenlet.
  if (state_ != FiberState::dead) {
    if (HubImpl* hub = HubImpl::current_or_null()) hub->name_changed(this);
  }
}

bool FiberLinks::ready() const { return owner_->dead(); }

// A pass holds the greenlet: one whose last handle is gone still serves its links to the end.
void FiberLinks::on_pass_queued() { owner_->add_ref(); }
void FiberLinks::on_pass_ended() { owner_->release(); }

}  // namespace pinfiber::detail
