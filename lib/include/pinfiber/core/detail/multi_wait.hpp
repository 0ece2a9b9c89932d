#pragma once
// Waiting on several Linkables at once: the one implementation behind joinall, wait and iwait
// (gevent's _WaitIterator over a MultipleWaiter).

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/linkable.hpp"
#include "pinfiber/core/detail/park.hpp"

namespace pinfiber::detail {

/// Yields the indices of `objects` in the order their notification passes reach it, at most `count`
/// of them, until the deadline. It links to every object at the first next() (objects ready by then
/// are served by passes queued then, in list order, so other ready greenlets run first, as in
/// gevent), and unlinks from all of them when destroyed. The objects must outlive it.
class MultiWait {
 public:
  MultiWait(std::vector<Linkable*> objects, TimePoint deadline, std::size_t count);
  ~MultiWait();
  MultiWait(const MultiWait&) = delete;
  MultiWait& operator=(const MultiWait&) = delete;

  /// The index of the next object to become ready, blocking until one does; nullopt once `count`
  /// were returned or the deadline passed. Throws the caller's interrupts, and LoopExit in the main
  /// greenlet if none of the rest can ever become ready (`what` names the wait).
  std::optional<std::size_t> next(WaitFor what);

 private:
  struct Slot : Link {
    Slot() : Link(&Slot::fire) {}
    static Fiber* fire(Link* self, Linkable& source);
    MultiWait* owner = nullptr;
    std::size_t index = 0;
  };
  void begin();

  std::vector<Linkable*> objects_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> ready_;  // in the order they became ready
  std::size_t taken_ = 0;
  std::size_t count_;
  TimePoint deadline_;
  Fiber* waiter_ = nullptr;
  bool parked_ = false;  // resume the waiter only while it waits in next(), not in another wait
  bool begun_ = false;
};

}  // namespace pinfiber::detail
