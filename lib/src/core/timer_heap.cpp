#include "core/timer_heap.hpp"

namespace pinfiber::detail {

void TimerHeap::arm(TimerNode& n, TimePoint deadline) {
  if (n.armed()) disarm(n);
  n.deadline = deadline;
  n.seq = seq_++;
  heap_.push_back(&n);
  n.heap_index = heap_.size() - 1;
  sift_up(n.heap_index);
}

void TimerHeap::disarm(TimerNode& n) {
  if (!n.armed()) return;
  const std::size_t i = n.heap_index;
  TimerNode* last = heap_.back();
  heap_.pop_back();
  n.heap_index = TimerNode::npos;
  if (last == &n) return;
  place(i, last);
  sift_up(i);
  sift_down(last->heap_index);
}

TimerNode* TimerHeap::pop_due(TimePoint now) {
  if (heap_.empty() || heap_.front()->deadline > now) return nullptr;
  TimerNode* n = heap_.front();
  disarm(*n);
  return n;
}

void TimerHeap::sift_up(std::size_t i) {
  TimerNode* n = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!before(n, heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, n);
}

void TimerHeap::sift_down(std::size_t i) {
  TimerNode* n = heap_[i];
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], n)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, n);
}

}  // namespace pinfiber::detail
