#pragma once
// The hub's timers: a binary min-heap ordered by (deadline, arming sequence), so that timers with
// equal deadlines fire in the order they were armed (as libuv orders them). libev's own timer heap
// does not promise that order, and cannot follow the paused test clock.

#include <cstdint>
#include <vector>

#include "pinfiber/core/detail/timer.hpp"

namespace pinfiber::detail {

class TimerHeap {
 public:
  void arm(TimerNode& n, TimePoint deadline);
  void disarm(TimerNode& n);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  TimePoint next_deadline() const { return heap_.front()->deadline; }
  /// Removes and returns the earliest timer if it is due at `now`, else null.
  TimerNode* pop_due(TimePoint now);

 private:
  static bool before(const TimerNode* a, const TimerNode* b) {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
  }
  void place(std::size_t i, TimerNode* n) {
    heap_[i] = n;
    n->heap_index = i;
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  std::vector<TimerNode*> heap_;
  std::uint64_t seq_ = 0;
};

}  // namespace pinfiber::detail
