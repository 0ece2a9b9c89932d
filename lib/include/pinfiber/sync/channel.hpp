#pragma once
// Channel: a rendezvous between greenlets (gevent.queue.Channel), a queue with no room at all.

#include <cstddef>
#include <iterator>
#include <optional>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/runnable.hpp"
#include "pinfiber/sync/errors.hpp"

namespace pinfiber {

namespace detail {
[[noreturn]] void throw_queue_empty(const char* op, Duration timeout);
[[noreturn]] void throw_channel_full(const char* op, Duration timeout);
[[noreturn]] void throw_queue_shutdown(const char* op, bool drained);
}  // namespace detail

/// A rendezvous: put() blocks until a getter takes the item, get() blocks until a putter offers one.
/// As in gevent, a meeting happens in an unlock pass queued behind what is already scheduled: it
/// pairs the longest-waiting getter with the longest-waiting putter, and runs the getter, then the
/// putter. Both sides are served first-come first-served; T may be move-only.
///
///   pinfiber::Channel<std::string> ch;
///   pinfiber::spawn([&] { ch.put("ping"); ch.shutdown(); });   // returns once main took it
///   for (std::string& msg : ch) std::puts(msg.c_str());        // ends after the shutdown
template <class T>
class Channel {
 public:
  Channel() : unlock_(*this) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Hands `item` to a getter, blocking until one takes it, up to `timeout` (a zero timeout lets
  /// every ready greenlet run once before it gives up). Throws Full if the timeout runs out (the item
  /// was not delivered), QueueShutdown if the channel is shut down, the caller's interrupts, and
  /// LoopExit in the main greenlet if no getter can ever come.
  void put(T item, TimeSpan timeout = forever) {
    if (shutdown_) detail::throw_queue_shutdown("Channel.put", false);
    Waiter w(detail::current_fiber(), &item);
    putters_.push_back(&w);
    Leave leave{putters_, w};
    if (!getters_.empty()) unlock_.schedule();
    if (!detail::wait_until({"Channel.put"}, deadline_in(timeout), [&] { return w.done; })) {
      detail::throw_channel_full("Channel.put", timeout);
    }
  }
  /// Hands `item` to a getter only if one is waiting now (it takes it when it runs); throws Full
  /// otherwise, QueueShutdown once shut down. Never blocks.
  void put_nowait(T item) {
    if (shutdown_) detail::throw_queue_shutdown("Channel.put", false);
    for (detail::ListNode* n = getters_.front(); n; n = getters_.next_of(n)) {
      Waiter* g = waiter(n);
      if (g->fiber->state() == detail::FiberState::parked) {  // not already on its way out
        getters_.erase(g);
        g->received.emplace(std::move(item));
        g->done = true;
        detail::wake(g->fiber);
        return;
      }
    }
    detail::throw_channel_full("Channel.put_nowait", Duration::zero());
  }

  /// Takes an item from a putter, blocking until one comes, up to `timeout`. Throws Empty if the
  /// timeout runs out, QueueShutdown once the channel is shut down and no putter is left, the
  /// caller's interrupts, and LoopExit in the main greenlet if no putter can ever come.
  T get(TimeSpan timeout = forever) {
    if (shutdown_ && putters_.empty()) detail::throw_queue_shutdown("Channel.get", true);
    Waiter w(detail::current_fiber());
    getters_.push_back(&w);
    Leave leave{getters_, w};
    if (!putters_.empty()) unlock_.schedule();
    const bool got = detail::wait_until({"Channel.get"}, deadline_in(timeout),
                                        [&] { return w.done || (shutdown_ && putters_.empty()); });
    if (w.done) return std::move(*w.received);
    if (got) detail::throw_queue_shutdown("Channel.get", true);
    detail::throw_queue_empty("Channel.get", timeout);
  }
  /// Takes an item only if a putter is waiting now (it is released when it runs); throws Empty
  /// otherwise (QueueShutdown once shut down with no putter left). Never blocks.
  T get_nowait() {
    if (detail::ListNode* n = putters_.pop_front()) {
      Waiter* p = waiter(n);
      T item = std::move(*p->item);
      p->done = true;
      detail::wake(p->fiber);
      return item;
    }
    if (shutdown_) detail::throw_queue_shutdown("Channel.get", true);
    detail::throw_queue_empty("Channel.get_nowait", Duration::zero());
  }

  /// Refuses every later put() (QueueShutdown); putters already blocked still hand their items
  /// over, then getters get QueueShutdown and iteration ends. Never blocks.
  void shutdown() {
    shutdown_ = true;
    if (putters_.empty()) {
      for (detail::ListNode* n = getters_.front(); n; n = getters_.next_of(n)) detail::wake(waiter(n)->fiber);
    }
  }
  bool is_shutdown() const { return shutdown_; }

  /// Putters waiting minus getters waiting (gevent's balance).
  std::ptrdiff_t balance() const {
    return static_cast<std::ptrdiff_t>(putters_.size()) - static_cast<std::ptrdiff_t>(getters_.size());
  }
  std::size_t getter_count() const { return getters_.size(); }
  std::size_t putter_count() const { return putters_.size(); }

  /// Input iteration: each step is a get(); it ends once the channel is shut down and drained.
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Channel* c) : c_(c) { fetch(); }
    T& operator*() const { return *cur_; }
    T* operator->() const { return &*cur_; }
    iterator& operator++() {
      fetch();
      return *this;
    }
    void operator++(int) { fetch(); }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.c_ == nullptr; }

   private:
    void fetch() {
      try {
        cur_.emplace(c_->get());
      } catch (const QueueShutdown&) {
        c_ = nullptr;
        cur_.reset();
      }
    }
    Channel* c_ = nullptr;
    mutable std::optional<T> cur_;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 private:
  struct Waiter : detail::ListNode {
    explicit Waiter(detail::Fiber* f, T* i = nullptr) : fiber(f), item(i) {}
    detail::Fiber* fiber;
    T* item;                    // a putter's item
    std::optional<T> received;  // a getter's
    bool done = false;
  };
  static Waiter* waiter(detail::ListNode* n) { return static_cast<Waiter*>(n); }
  struct Leave {
    detail::IntrusiveList& list;
    Waiter& w;
    ~Leave() {
      if (w.linked()) list.erase(&w);
    }
  };

  // gevent's Channel._unlock: pairs getters with putters; the getter runs first, then the putter.
  class Unlock final : public detail::Notifier {
   public:
    explicit Unlock(Channel& c) : c_(c) {}
    detail::Fiber* step() override {
      for (;;) {
        if (putter_) {
          detail::Fiber* p = std::exchange(putter_, nullptr);
          if (detail::Fiber* f = detail::resume_now(p)) return f;
          continue;
        }
        if (c_.getters_.empty() || c_.putters_.empty()) {
          // Shut down and the last putter is gone: the getters left learn it.
          if (c_.shutdown_ && c_.putters_.empty()) c_.shutdown();
          return nullptr;
        }
        Waiter* g = waiter(c_.getters_.pop_front());
        detail::Fiber* run = detail::resume_now(g->fiber);
        if (!run) continue;  // a timeout or kill is already on its way to it: it takes nothing
        Waiter* p = waiter(c_.putters_.pop_front());
        g->received.emplace(std::move(*p->item));
        g->done = true;
        p->done = true;
        putter_ = p->fiber;
        return run;
      }
    }

   private:
    Channel& c_;
    detail::Fiber* putter_ = nullptr;
  };

  bool shutdown_ = false;
  detail::IntrusiveList getters_;
  detail::IntrusiveList putters_;
  Unlock unlock_;
};

}  // namespace pinfiber
