#include "pinfiber/sync/pool.hpp"

#include <string>

#include "pinfiber/core/timeout.hpp"

namespace pinfiber {

namespace detail {

namespace {
// The slots of a Pool: a Semaphore that names the pool in LoopExit messages.
class PoolSlots : public Semaphore {
 public:
  explicit PoolSlots(std::size_t n) : Semaphore(n) { what_ = "Pool.spawn"; }
};
}  // namespace

GroupState::GroupState(std::optional<std::size_t> n) : size(n) {
  empty.set();
  if (n) slots.emplace(*n);
}

void GroupState::reserve(Duration timeout) {
  if (!slots) return;
  if (!slots->acquire(timeout)) {
    throw PoolFull("Pool.add: all " + std::to_string(*size) + " slots are busy");
  }
}

void GroupState::unreserve() {
  if (slots) slots->release();
}

void GroupState::track(const std::shared_ptr<GroupState>& self, const GreenletBase& g) {
  self->members.emplace(g.fiber()->id(), g);
  if (self->empty.is_set()) self->empty.clear();
  // A raw link (inline, in order with the member's other links, as gevent's Group.add does); it
  // holds the state, so a member that outlives every Group handle still leaves cleanly.
  g.rawlink([self](const GreenletBase& done) { self->discard(done.fiber()); });
}

void GroupState::discard(const Fiber* f) {
  if (members.erase(f->id()) == 0) return;
  if (slots) slots->release();
  if (members.empty()) empty.set();
}

}  // namespace detail

void Group::add(const GreenletBase& g, TimeSpan timeout) {
  if (contains(g)) return;
  s_->reserve(timeout);
  detail::GroupState::track(s_, g);
}

void Group::discard(const GreenletBase& g) { s_->discard(g.fiber()); }

bool Group::contains(const GreenletBase& g) const {
  auto it = s_->members.find(g.fiber()->id());
  return it != s_->members.end() && it->second == g;
}

std::vector<GreenletBase> Group::greenlets() const {
  std::vector<GreenletBase> out;
  out.reserve(s_->members.size());
  for (const auto& [id, g] : s_->members) out.push_back(g);
  return out;
}

bool Group::join(TimeSpan timeout, bool raise_error) {
  std::vector<GreenletBase> watched;
  if (raise_error) watched = greenlets();
  const bool emptied = s_->empty.wait(timeout);
  for (const auto& g : watched) {
    if (auto e = g.exception()) std::rethrow_exception(e);
  }
  return emptied;
}

void Group::kill(bool block, TimeSpan timeout) {
  const TimePoint deadline = deadline_in(timeout);
  // Members added while killing (by a dying member, say) are killed too, as gevent does.
  std::map<std::uint64_t, bool> killed;
  while (!s_->members.empty()) {
    std::vector<GreenletBase> batch;
    for (const auto& [id, g] : s_->members) {
      if (killed.emplace(id, true).second) batch.push_back(g);
    }
    for (const auto& g : batch) g.kill(false);
    if (!block) return;
    const TimePoint now = Clock::now();
    if (now >= deadline) return;
    const Duration left = deadline == TimePoint::max() ? forever : deadline - now;
    auto all = greenlets();
    if (joinall(all, left).size() < all.size()) return;
  }
}

void Group::killone(const GreenletBase& g, bool block, TimeSpan timeout) {
  if (!contains(g)) return;
  g.kill(false);
  if (block) g.join(timeout);
}

std::size_t Pool::free_count() const { return s_->slots->counter(); }

std::size_t Pool::wait_available(TimeSpan timeout) { return s_->slots->wait(timeout); }

}  // namespace pinfiber
