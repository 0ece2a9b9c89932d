#pragma once
// WaitList: greenlets waiting for a condition of their own (a button's level, a flag of a device
// driver), registered for the length of one wait_until() and woken together when it may have changed.
// For objects greenlets wait on *in turn* with gevent's order (Event, Semaphore, a greenlet's end),
// see Linkable.

#include <cstddef>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/park.hpp"

namespace pinfiber::detail {

class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  /// wait_until(what, deadline, ready), registered here meanwhile so that wake_all() reaches it.
  template <class Ready>
  bool wait(WaitFor what, TimePoint deadline, Ready&& ready) {
    Entry e;
    e.fiber = current_fiber();
    list_.push_back(&e);
    struct Leave {
      IntrusiveList& list;
      Entry& e;
      ~Leave() {
        if (e.linked()) list.erase(&e);
      }
    } leave{list_, e};
    return wait_until(what, deadline, ready);
  }
  /// Wakes every greenlet waiting now (each re-checks its condition when it runs). Never blocks.
  void wake_all() {
    for (ListNode* n = list_.front(); n; n = list_.next_of(n)) wake(static_cast<Entry*>(n)->fiber);
  }
  std::size_t size() const { return list_.size(); }

 private:
  struct Entry : ListNode {
    Fiber* fiber = nullptr;
  };
  IntrusiveList list_;
};

}  // namespace pinfiber::detail
