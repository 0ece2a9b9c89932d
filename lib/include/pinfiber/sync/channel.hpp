#pragma once
// Channel: a rendezvous between greenlets (gevent.queue.Channel), a queue with no room at all.

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/wait_queue.hpp"
#include "pinfiber/sync/detail/handoff.hpp"
#include "pinfiber/sync/errors.hpp"

namespace pinfiber {

namespace detail {
[[noreturn]] void throw_queue_empty(const char* op, Duration timeout);
[[noreturn]] void throw_channel_full(const char* op, Duration timeout);
}  // namespace detail

/// A rendezvous: put() blocks until a getter takes the item, get() blocks until a putter offers one.
/// Both sides are served first-come first-served; T may be move-only. An item handed to a getter that
/// is killed before it returns is kept for the next get(), never lost.
///
///   pinfiber::Channel<std::string> ch;
///   pinfiber::spawn([&] { ch.put("ping"); });   // returns once main took it
///   std::string msg = ch.get();
template <class T>
class Channel {
 public:
  Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  /// Hands `item` to a getter: at once to the longest-waiting one, otherwise blocks until one comes,
  /// up to `timeout`. Throws Full if the timeout runs out (the item was not delivered), the caller's
  /// interrupts, and LoopExit in the main greenlet if no getter can ever come.
  void put(T item, Duration timeout = forever) {
    if (!getters_.empty()) {
      offer_ = &item;
      getters_.notify_one();
      return;
    }
    PutWaiter w;
    w.wake = &PutWaiter::on_pick;
    w.channel = this;
    w.item = &item;
    if (!detail::wait_handoff(putters_, w, {"Channel.put"}, detail::deadline_in(timeout), [] {})) {
      detail::throw_channel_full("Channel.put", timeout);
    }
  }
  /// Hands `item` over only if a getter is waiting now; throws Full otherwise. Never blocks.
  void put_nowait(T item) { put(std::move(item), Duration::zero()); }

  /// Takes an item from the longest-waiting putter, or blocks until one comes, up to `timeout`.
  /// Throws Empty if the timeout runs out, the caller's interrupts, and LoopExit in the main greenlet
  /// if no putter can ever come.
  T get(Duration timeout = forever) {
    if (!returned_.empty()) {
      T v = std::move(returned_.front());
      returned_.pop_front();
      return v;
    }
    if (!putters_.empty()) {
      putters_.notify_one();  // PutWaiter::on_pick moves the item into taken_
      T v = std::move(*taken_);
      taken_.reset();
      return v;
    }
    GetWaiter w;
    w.wake = &GetWaiter::on_pick;
    w.channel = this;
    if (!detail::wait_handoff(getters_, w, {"Channel.get"}, detail::deadline_in(timeout),
                              [this, &w] { give_back(std::move(*w.item)); })) {
      detail::throw_queue_empty("Channel.get", timeout);
    }
    return std::move(*w.item);
  }
  /// Takes an item only if a putter is waiting now; throws Empty otherwise. Never blocks.
  T get_nowait() { return get(Duration::zero()); }

  /// Putters waiting minus getters waiting (gevent's balance).
  std::ptrdiff_t balance() const {
    return static_cast<std::ptrdiff_t>(putters_.size() + returned_.size()) -
           static_cast<std::ptrdiff_t>(getters_.size());
  }
  std::size_t getter_count() const { return getters_.size(); }
  std::size_t putter_count() const { return putters_.size(); }

 private:
  struct GetWaiter : detail::Waiter {
    Channel* channel = nullptr;
    std::optional<T> item;
    static void on_pick(detail::Waiter* base) {
      auto* w = static_cast<GetWaiter*>(base);
      w->item.emplace(std::move(*w->channel->offer_));
      detail::unpark(w->fiber);
    }
  };
  struct PutWaiter : detail::Waiter {
    Channel* channel = nullptr;
    T* item = nullptr;
    static void on_pick(detail::Waiter* base) {
      auto* w = static_cast<PutWaiter*>(base);
      w->channel->taken_.emplace(std::move(*w->item));
      detail::unpark(w->fiber);
    }
  };

  // A getter was handed an item but was interrupted before returning it: the next getter gets it.
  void give_back(T&& item) {
    if (!getters_.empty()) {
      offer_ = &item;
      getters_.notify_one();
    } else {
      returned_.push_back(std::move(item));
    }
  }

  T* offer_ = nullptr;      // the item put() is handing over, during notify_one()
  std::optional<T> taken_;  // the item a picked putter handed over, during notify_one()
  std::deque<T> returned_;  // items given back by killed getters, served before anything else
  detail::WaitQueue getters_;
  detail::WaitQueue putters_;
};

}  // namespace pinfiber
