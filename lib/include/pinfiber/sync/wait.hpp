#pragma once
// wait / iwait over a mix of greenlets, Events, AsyncResults and Semaphores (gevent.wait, gevent.iwait).

#include <cstddef>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/multi_wait.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/sync/async_result.hpp"
#include "pinfiber/sync/event.hpp"

namespace pinfiber {

/// Something wait()/iwait() can wait on: a greenlet (ready once finished), an Event (once set) or an
/// AsyncResult (once set). A non-owning reference: the object must outlive the wait.
class Waitable {
 public:
  Waitable(const GreenletBase& g) : linkable_(&g.fiber()->links()) {}  // NOLINT: implicit, so lists read {g, event}
  Waitable(Event& e) : linkable_(&e.linkable()) {}                     // NOLINT
  template <class T>
  Waitable(const AsyncResult<T>& r) : linkable_(&r.linkable()) {}  // NOLINT

  /// True if it is ready now.
  bool ready() const { return linkable_->ready(); }
  detail::Linkable& linkable() const { return *linkable_; }

 private:
  detail::Linkable* linkable_;
};

/// Yields the indices of `objects` in the order they become ready, at most `count` of them, until
/// `timeout` passes (measured from construction). Objects that are ready already come first, in list
/// order, once every greenlet that was ready ran (as in gevent). It waits on all of them at once;
/// each step blocks only until the next one is ready, and one that becomes ready while the caller is
/// busy elsewhere is still yielded later.
///
///   for (std::size_t i : pinfiber::iwait({g1, g2, done_event}, 10s))
///     std::printf("object %zu is ready\n", i);
class IWait {
 public:
  IWait(std::span<const Waitable> objects, TimeSpan timeout = forever,
        std::size_t count = std::numeric_limits<std::size_t>::max());
  IWait(std::initializer_list<Waitable> objects, TimeSpan timeout = forever,
        std::size_t count = std::numeric_limits<std::size_t>::max())
      : IWait(std::span<const Waitable>(objects.begin(), objects.size()), timeout, count) {}

  /// The index of the next object to become ready, blocking until one is or the timeout passes;
  /// nullopt once `count` were yielded or on timeout. Throws the caller's interrupts, and LoopExit
  /// in the main greenlet if none of the rest can ever become ready.
  std::optional<std::size_t> next() { return wait_.next({"iwait of objects"}); }

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
  detail::MultiWait wait_;
};

/// Makes an IWait: `for (std::size_t i : pinfiber::iwait({a, b, c}))`.
inline IWait iwait(std::initializer_list<Waitable> objects, TimeSpan timeout = forever,
                   std::size_t count = std::numeric_limits<std::size_t>::max()) {
  return IWait(objects, timeout, count);
}

/// Blocks until `count` of `objects` are ready (all of them by default) or `timeout` passes; returns
/// the indices of those that became ready, in that order (at most `count`). A timeout is not an error:
/// fewer indices come back. Throws the caller's interrupts, and LoopExit in the main greenlet if the
/// objects can never become ready.
std::vector<std::size_t> wait(std::span<const Waitable> objects, TimeSpan timeout = forever,
                              std::size_t count = std::numeric_limits<std::size_t>::max());
inline std::vector<std::size_t> wait(std::initializer_list<Waitable> objects, TimeSpan timeout = forever,
                                     std::size_t count = std::numeric_limits<std::size_t>::max()) {
  return wait(std::span<const Waitable>(objects.begin(), objects.size()), timeout, count);
}

/// Blocks until every greenlet of the calling thread's hub but the caller has finished - those spawned
/// while waiting included - or `timeout` passes (gevent.wait() with no objects). Returns true if none
/// is left. Throws the caller's interrupts.
bool wait(TimeSpan timeout = forever);

}  // namespace pinfiber
