#include "pinfiber/core/detail/multi_wait.hpp"

#include <algorithm>

namespace pinfiber::detail {

MultiWait::MultiWait(std::vector<Linkable*> objects, TimePoint deadline, std::size_t count)
    : objects_(std::move(objects)),
      slots_(objects_.size()),
      count_(std::min(count, objects_.size())),
      deadline_(deadline) {
  ready_.reserve(objects_.size());
}

MultiWait::~MultiWait() {
  for (std::size_t i = 0; i < slots_.size(); ++i) objects_[i]->unlink(slots_[i]);
}

Fiber* MultiWait::Slot::fire(Link* self, Linkable&) {
  auto* slot = static_cast<Slot*>(self);
  MultiWait* w = slot->owner;
  w->ready_.push_back(slot->index);
  if (!w->parked_) return nullptr;
  w->parked_ = false;
  return resume_now(w->waiter_);
}

void MultiWait::begin() {
  begun_ = true;
  waiter_ = current_fiber();
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    slots_[i].owner = this;
    slots_[i].index = i;
    objects_[i]->rawlink(slots_[i]);  // a ready object queues its pass now
  }
}

std::optional<std::size_t> MultiWait::next(WaitFor what) {
  if (!begun_) begin();
  if (taken_ == count_) return std::nullopt;
  if (taken_ == ready_.size()) {
    parked_ = true;
    struct Unpark {
      bool& parked;
      ~Unpark() { parked = false; }
    } unpark{parked_};
    wait_until(what, deadline_, [this] { return taken_ < ready_.size(); });
    if (taken_ == ready_.size()) return std::nullopt;  // the deadline passed
  }
  return ready_[taken_++];
}

}  // namespace pinfiber::detail
