#pragma once
// wait / iwait over a mix of greenlets, Events and AsyncResults (gevent.wait, gevent.iwait).

#include <cstddef>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/wait_queue.hpp"
#include "pinfiber/sync/async_result.hpp"
#include "pinfiber/sync/event.hpp"

namespace pinfiber {

/// Something wait()/iwait() can wait on: a greenlet (ready once finished), an Event (once set) or an
/// AsyncResult (once set). A non-owning reference: the object must outlive the wait.
class Waitable {
 public:
  Waitable(const GreenletBase& g) : fiber_(g.fiber()) {}  // NOLINT: implicit, so lists read {g, event, result}
  Waitable(Event& e) : event_(&e) {}                      // NOLINT
  template <class T>
  Waitable(const AsyncResult<T>& r)  // NOLINT
      : result_(&r), result_ready_(&ready_of<T>), result_queue_(&queue_of<T>) {}

  /// True if it is ready now.
  bool ready() const;
  /// The queue notified when it becomes ready.
  detail::WaitQueue& queue() const;

 private:
  template <class T>
  static bool ready_of(const void* r) {
    return static_cast<const AsyncResult<T>*>(r)->ready();
  }
  template <class T>
  static detail::WaitQueue& queue_of(const void* r) {
    return static_cast<const AsyncResult<T>*>(r)->waiters();
  }
  detail::Fiber* fiber_ = nullptr;
  Event* event_ = nullptr;
  const void* result_ = nullptr;
  bool (*result_ready_)(const void*) = nullptr;
  detail::WaitQueue& (*result_queue_)(const void*) = nullptr;
};

/// Yields the indices of `objects` in the order they become ready (those ready at the start first, in
/// list order), until all were yielded or `timeout` passes (measured from construction). It waits on
/// all of them at once; each next() blocks only until the next one is ready. A greenlet that finishes
/// or an Event that is set while the caller is busy elsewhere is still yielded later.
///
///   for (std::size_t i : pinfiber::iwait({g1, g2, done_event}, 10s))
///     std::printf("object %zu is ready\n", i);
class IWait {
 public:
  IWait(std::span<const Waitable> objects, Duration timeout = forever);
  IWait(std::initializer_list<Waitable> objects, Duration timeout = forever)
      : IWait(std::span<const Waitable>(objects.begin(), objects.size()), timeout) {}
  IWait(const IWait&) = delete;
  IWait& operator=(const IWait&) = delete;
  ~IWait();

  /// The index of the next object to become ready, blocking until one is or the timeout passes;
  /// nullopt once all were yielded or on timeout. Throws the caller's interrupts, and LoopExit in the
  /// main greenlet if none of the rest can ever become ready.
  std::optional<std::size_t> next();

  class iterator {
   public:
    using value_type = std::size_t;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(IWait* w) : w_(w) { ++*this; }
    std::size_t operator*() const { return cur_; }
    iterator& operator++() {
      auto n = w_->next();
      if (n) {
        cur_ = *n;
      } else {
        w_ = nullptr;
      }
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.w_ == nullptr; }

   private:
    IWait* w_ = nullptr;
    std::size_t cur_ = 0;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 private:
  struct Slot : detail::Waiter {
    IWait* owner = nullptr;
    std::size_t index = 0;
    static void on_ready(detail::Waiter* w);
  };
  std::vector<Waitable> objects_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> ready_;  // in the order they became ready
  std::size_t yielded_ = 0;
  TimePoint deadline_;
  detail::Fiber* waiter_;
  bool parked_ = false;  // only wake the caller while it waits in next(), not in another wait
};

/// Makes an IWait: `for (std::size_t i : pinfiber::iwait({a, b, c}))`.
inline IWait iwait(std::initializer_list<Waitable> objects, Duration timeout = forever) {
  return IWait(objects, timeout);
}

/// Blocks until `count` of `objects` are ready (all of them by default) or `timeout` passes; returns
/// the indices of those that became ready, in that order (at most `count`). A timeout is not an error:
/// fewer indices come back. Throws the caller's interrupts, and LoopExit in the main greenlet if the
/// objects can never become ready.
std::vector<std::size_t> wait(std::span<const Waitable> objects, Duration timeout = forever,
                              std::size_t count = std::numeric_limits<std::size_t>::max());
inline std::vector<std::size_t> wait(std::initializer_list<Waitable> objects, Duration timeout = forever,
                                     std::size_t count = std::numeric_limits<std::size_t>::max()) {
  return wait(std::span<const Waitable>(objects.begin(), objects.size()), timeout, count);
}

}  // namespace pinfiber
