#pragma once
// A timer entry of the hub's timer heap, embedded in whatever owns the deadline (a parked waiter,
// a Timeout, a delayed spawn), so arming a timer never allocates.

#include <cstddef>
#include <cstdint>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::detail {

struct TimerNode {
  /// Called from the hub when the deadline passes; the node is already out of the heap.
  void (*fire)(TimerNode*) = nullptr;
  void* context = nullptr;  // the owner, for fire()
  TimePoint deadline{};
  std::uint64_t seq = 0;          // equal deadlines fire in the order they were armed
  std::size_t heap_index = npos;  // position in the heap, npos when not armed
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  bool armed() const { return heap_index != npos; }
};

/// Arms `node` on the calling thread's hub; re-arming an armed node moves it.
void arm_timer(TimerNode& node, TimePoint deadline);
/// Disarms `node` if armed; harmless otherwise.
void disarm_timer(TimerNode& node);

}  // namespace pinfiber::detail
