#pragma once
// Group and Pool (gevent.pool): track a set of greenlets, and bound how many run at once.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/sync/errors.hpp"
#include "pinfiber/sync/event.hpp"
#include "pinfiber/sync/queue.hpp"
#include "pinfiber/sync/semaphore.hpp"

namespace pinfiber {

namespace detail {

// What a Group's handles and its members' completion links share: a greenlet that outlives its Group
// still removes itself from the state when it finishes.
class GroupState {
 public:
  explicit GroupState(std::optional<std::size_t> size);

  // Pool: takes a slot, blocking while the pool is full (PoolFull on timeout). Group: nothing.
  void reserve(Duration timeout);
  void unreserve();
  // Tracks g (whose slot, if any, is already reserved) until it finishes or is discarded.
  static void track(const std::shared_ptr<GroupState>& self, const GreenletBase& g);
  void discard(const Fiber* f);

  std::map<std::uint64_t, GreenletBase> members;  // by id, so iteration and kill go in spawn order
  Event empty;                                    // set while there are no members
  std::optional<std::size_t> size;                // Pool's bound; none for a Group
  std::optional<Semaphore> slots;                 // Pool only
};

// The results of imap / imap_unordered as the worker greenlets deliver them.
template <class Out>
struct IMapState {
  using Stored = std::conditional_t<std::is_void_v<Out>, std::monostate, Out>;
  using Outcome = std::variant<Stored, std::exception_ptr>;
  Queue<std::pair<std::size_t, Outcome>> results;
  std::size_t outstanding = 0;
  bool fed = false;  // the feeder spawned everything
  void one_done() {
    if (--outstanding == 0 && fed) results.shutdown();
  }
};

}  // namespace detail

template <class Out>
class IMap;

/// A set of greenlets followed together: spawn() adds one, it leaves the group by itself when it
/// finishes. join() waits for the group to empty, kill() kills every member. Copies are handles to the
/// same group.
///
///   pinfiber::Group group;
///   for (auto& host : hosts) group.spawn(resolve, host);
///   group.join(5s);   // true once all finished, false after 5 s
class Group {
 public:
  Group() : Group(std::nullopt) {}

  /// Spawns f(args...) (see pinfiber::spawn) as a member. A Pool blocks here while it is full (throws
  /// the caller's interrupts while waiting, LoopExit in the main greenlet if no slot can ever free).
  template <class F, class... A>
  auto spawn(F&& f, A&&... args) {
    s_->reserve(forever);
    try {
      auto g = pinfiber::spawn(std::forward<F>(f), std::forward<A>(args)...);
      detail::GroupState::track(s_, g);
      return g;
    } catch (...) {
      s_->unreserve();
      throw;
    }
  }

  /// Starts tracking a greenlet spawned elsewhere; for a Pool, blocks for a slot up to `timeout` and
  /// throws PoolFull if none came (the greenlet keeps running untracked). Adding a member again does
  /// nothing.
  void add(const GreenletBase& g, TimeSpan timeout = forever);
  /// Stops tracking `g` (it keeps running); a Pool frees its slot. Does nothing for a non-member.
  void discard(const GreenletBase& g);
  bool contains(const GreenletBase& g) const;
  /// Members now (greenlets not yet finished nor discarded).
  std::size_t size() const { return s_->members.size(); }
  bool empty() const { return s_->members.empty(); }
  /// The members, in the order they were spawned.
  std::vector<GreenletBase> greenlets() const;

  /// Blocks until the group is empty, or `timeout` passes; returns true if it became empty (it may
  /// have gained members since). With `raise_error`, then rethrows the first exception a greenlet that
  /// was a member at the call failed with (a kill is not a failure). Throws the caller's interrupts,
  /// and LoopExit in the main greenlet if some member can never finish.
  bool join(TimeSpan timeout = forever, bool raise_error = false);

  /// Kills every member (GreenletExit at its blocking point, in spawn order), including members added
  /// while killing; with `block`, waits until they finished, up to `timeout`.
  void kill(bool block = true, TimeSpan timeout = forever);
  /// Kills one member; with `block`, waits for it up to `timeout`. Does nothing for a non-member.
  void killone(const GreenletBase& g, bool block = true, TimeSpan timeout = forever);

  /// Runs f(args...) in a member greenlet and blocks for its result (gevent's apply): returns its
  /// value, rethrows its exception. Called from a member of this group it runs f right there (a
  /// full Pool would otherwise wait for itself forever). Errors as Greenlet::get().
  template <class F, class... A>
  detail::spawn_result_t<F, A...> apply(F&& f, A&&... args) {
    if (contains(getcurrent())) return std::invoke(std::forward<F>(f), std::forward<A>(args)...);
    return spawn(std::forward<F>(f), std::forward<A>(args)...).get();
  }
  /// Spawns f(args...) as a member and returns its greenlet without waiting (gevent's apply_async;
  /// its `callback=` is `.link_value(cb)` on the result). A Pool blocks here while it is full.
  template <class F, class... A>
  auto apply_async(F&& f, A&&... args) {
    return spawn(std::forward<F>(f), std::forward<A>(args)...);
  }

  /// Runs f(item) for every item of `range` in member greenlets (a Pool runs at most its size at
  /// once: the caller blocks spawning while it is full) and returns the results in the range's
  /// order (nothing for a void f). Blocks until all finished; rethrows the first failure in range
  /// order (the other greenlets run on), GreenletKilled if one was killed. Items are copied into
  /// their greenlets.
  template <class F, std::ranges::input_range R>
  auto map(F&& f, R&& range) {
    using Item = std::ranges::range_reference_t<R>;
    using Out = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Item>&>;
    auto fn = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
    std::vector<Greenlet<Out>> started;
    for (auto&& item : range) {
      started.push_back(spawn([fn](std::decay_t<Item> v) -> Out { return (*fn)(v); }, item));
    }
    if constexpr (std::is_void_v<Out>) {
      for (auto& g : started) g.get();
    } else {
      std::vector<Out> out;
      out.reserve(started.size());
      for (auto& g : started) out.push_back(std::move(g.get()));
      return out;
    }
  }
  /// map() in a greenlet of its own, returned at once (gevent's map_async): its get() is map()'s
  /// result. The range is copied into it.
  template <class F, std::ranges::input_range R>
  auto map_async(F&& f, R&& range) {
    return pinfiber::spawn(
        [self = *this, fn = std::forward<F>(f),
         items = std::vector<std::ranges::range_value_t<R>>(
             std::ranges::begin(range), std::ranges::end(range))]() mutable { return self.map(fn, items); });
  }

  /// Runs f(item) for every item of `range` as map() does, from a feeder greenlet, and returns an
  /// input range that yields the results in the range's order as they become available (gevent's
  /// imap; a failure is rethrown at its turn). A Pool bounds the concurrency. A lvalue range is
  /// referenced, not copied: it must outlive the iteration. Destroying the result before the end
  /// kills the feeder (workers already started run on).
  template <class F, std::ranges::input_range R>
  auto imap(F&& f, R&& range) {
    return start_imap(std::forward<F>(f), std::forward<R>(range), true);
  }
  /// imap(), yielding results in the order they complete (gevent's imap_unordered).
  template <class F, std::ranges::input_range R>
  auto imap_unordered(F&& f, R&& range) {
    return start_imap(std::forward<F>(f), std::forward<R>(range), false);
  }

 protected:
  explicit Group(std::optional<std::size_t> size) : s_(std::make_shared<detail::GroupState>(size)) {}
  std::shared_ptr<detail::GroupState> s_;

 private:
  template <class F, std::ranges::input_range R>
  auto start_imap(F&& f, R&& range, bool ordered);
};

/// A Group holding at most `size` greenlets at once: spawn() blocks while it is full (gevent's Pool),
/// which bounds concurrency - a reporting job that spawns a greenlet per request opens at most `size`
/// sockets at once.
///
///   pinfiber::Pool pool(10);
///   for (auto& n : numbers) pool.spawn(query, n);   // blocks while 10 are running
///   pool.join();
class Pool : public Group {
 public:
  /// A pool of `size` slots (0 is allowed: spawn() then blocks forever).
  explicit Pool(std::size_t size) : Group(size) {}

  /// Slots free now.
  std::size_t free_count() const;
  /// True if spawn() would block.
  bool full() const { return free_count() == 0; }
  /// The bound given at construction.
  std::size_t capacity() const { return *s_->size; }
  /// Blocks until a slot is free (without taking it) or `timeout` passes; returns free_count() (0 on
  /// timeout). Throws the caller's interrupts, and LoopExit in the main greenlet if none can free.
  std::size_t wait_available(TimeSpan timeout = forever);
};

/// The results of Group::imap / imap_unordered. An input range: iterate it once.
template <class Out>
class IMap {
  using State = detail::IMapState<Out>;
  using Stored = typename State::Stored;
  using Outcome = typename State::Outcome;

 public:
  IMap(std::shared_ptr<State> state, GreenletBase feeder, bool ordered)
      : s_(std::move(state)), feeder_(std::move(feeder)), ordered_(ordered) {}
  IMap(IMap&&) = default;
  IMap& operator=(IMap&&) = default;
  ~IMap() {
    if (feeder_) feeder_.kill();
  }

  /// The next result, blocking until it is ready; nullopt after the last. Rethrows a failed call's
  /// exception at its turn.
  std::optional<Stored> next() {
    std::optional<Outcome> o;
    if (ordered_) {
      // Results that came early wait here for their turn.
      while (!buffered_.contains(next_index_)) {
        auto r = fetch();
        if (!r) return std::nullopt;
        buffered_.emplace(r->first, std::move(r->second));
      }
      auto it = buffered_.find(next_index_++);
      o.emplace(std::move(it->second));
      buffered_.erase(it);
    } else {
      auto r = fetch();
      if (!r) return std::nullopt;
      o.emplace(std::move(r->second));
    }
    if (auto* e = std::get_if<std::exception_ptr>(&*o)) std::rethrow_exception(*e);
    return std::move(std::get<Stored>(*o));
  }

  class iterator {
   public:
    using value_type = Stored;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(IMap* m) : m_(m) { ++*this; }
    Stored& operator*() const { return *cur_; }
    iterator& operator++() {
      cur_ = m_->next();
      if (!cur_) m_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.m_ == nullptr; }

   private:
    IMap* m_ = nullptr;
    mutable std::optional<Stored> cur_;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 private:
  std::optional<std::pair<std::size_t, Outcome>> fetch() {
    try {
      return s_->results.get();
    } catch (const QueueShutdown&) {
      return std::nullopt;
    }
  }

  std::shared_ptr<State> s_;
  GreenletBase feeder_;
  bool ordered_;
  std::size_t next_index_ = 0;
  std::map<std::size_t, Outcome> buffered_;
};

template <class F, std::ranges::input_range R>
auto Group::start_imap(F&& f, R&& range, bool ordered) {
  using Item = std::ranges::range_reference_t<R>;
  using Out = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Item>&>;
  using State = detail::IMapState<Out>;
  auto state = std::make_shared<State>();
  auto fn = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
  auto feeder = pinfiber::spawn([group = *this, state, fn, view = std::views::all(std::forward<R>(range))]() mutable {
    std::size_t index = 0;
    for (auto&& item : view) {
      ++state->outstanding;
      try {
        group.spawn(
            [state, fn](std::size_t i, std::decay_t<Item> v) {
              try {
                if constexpr (std::is_void_v<Out>) {
                  (*fn)(v);
                  state->results.put({i, std::monostate{}});
                } else {
                  state->results.put({i, (*fn)(v)});
                }
              } catch (const GreenletExit&) {
                state->results.put(
                    {i, std::make_exception_ptr(GreenletKilled("imap: the worker greenlet was killed"))});
                state->one_done();
                throw;
              } catch (...) {
                state->results.put({i, std::current_exception()});
              }
              state->one_done();
            },
            index++, item);
      } catch (...) {
        --state->outstanding;
        state->fed = true;
        state->results.shutdown();
        throw;
      }
    }
    state->fed = true;
    if (state->outstanding == 0) state->results.shutdown();
  });
  return IMap<Out>(std::move(state), std::move(feeder), ordered);
}

}  // namespace pinfiber
