#include "pinfiber/sync/wait.hpp"

#include "pinfiber/core/detail/park.hpp"

namespace pinfiber {

bool Waitable::ready() const {
  if (fiber_) return fiber_->dead();
  if (event_) return event_->is_set();
  return result_ready_(result_);
}

detail::WaitQueue& Waitable::queue() const {
  if (fiber_) return fiber_->done_waiters();
  if (event_) return event_->waiters();
  return result_queue_(result_);
}

IWait::IWait(std::span<const Waitable> objects, Duration timeout)
    : objects_(objects.begin(), objects.end()),
      slots_(objects.size()),
      deadline_(detail::deadline_in(timeout)),
      waiter_(detail::current_fiber()) {
  ready_.reserve(objects.size());
  // One waiter per object, all registered up front, so an object that becomes ready while the caller
  // handles an earlier one is not missed; those ready already come first, in list order.
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    if (objects_[i].ready()) {
      ready_.push_back(i);
      continue;
    }
    slots_[i].wake = &Slot::on_ready;
    slots_[i].owner = this;
    slots_[i].index = i;
    objects_[i].queue().add(slots_[i]);
  }
}

IWait::~IWait() {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].linked()) objects_[i].queue().remove(slots_[i]);
  }
}

void IWait::Slot::on_ready(detail::Waiter* w) {
  auto* slot = static_cast<Slot*>(w);
  IWait* self = slot->owner;
  self->ready_.push_back(slot->index);
  if (self->parked_) detail::unpark(self->waiter_);
}

std::optional<std::size_t> IWait::next() {
  while (yielded_ == ready_.size()) {
    if (yielded_ == objects_.size()) return std::nullopt;
    parked_ = true;
    bool in_time = false;
    try {
      in_time = detail::park_until({"iwait of objects"}, deadline_);
    } catch (...) {
      parked_ = false;
      throw;
    }
    parked_ = false;
    if (!in_time && yielded_ == ready_.size()) return std::nullopt;
  }
  return ready_[yielded_++];
}

std::vector<std::size_t> wait(std::span<const Waitable> objects, Duration timeout, std::size_t count) {
  std::vector<std::size_t> done;
  if (count == 0) return done;
  IWait it(objects, timeout);
  while (done.size() < count) {
    auto i = it.next();
    if (!i) break;
    done.push_back(*i);
  }
  return done;
}

}  // namespace pinfiber
