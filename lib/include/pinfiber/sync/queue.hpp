#pragma once
// Queues between greenlets (gevent.queue): Queue (FIFO), LifoQueue, PriorityQueue, JoinableQueue.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <ranges>
#include <utility>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/runnable.hpp"
#include "pinfiber/sync/errors.hpp"
#include "pinfiber/sync/event.hpp"

namespace pinfiber {

namespace detail {

[[noreturn]] void throw_queue_empty(const char* op, Duration timeout);
[[noreturn]] void throw_queue_full(const char* op, Duration timeout, std::size_t maxsize);
[[noreturn]] void throw_queue_shutdown(const char* op, bool drained);
[[noreturn]] void throw_task_done_too_often(const char* name);

// Stores: where items wait, and which one get() takes next.
template <class T>
struct FifoStore {
  static constexpr const char* name = "Queue";
  static constexpr const char* get_what = "Queue.get";
  static constexpr const char* put_what = "Queue.put";
  static constexpr const char* peek_what = "Queue.peek";
  std::deque<T> items;
  void push(T&& v) { items.push_back(std::move(v)); }
  T take() {
    T v = std::move(items.front());
    items.pop_front();
    return v;
  }
  T& next() { return items.front(); }
  std::size_t size() const { return items.size(); }
  void clear() { items.clear(); }
};

template <class T>
struct LifoStore {
  static constexpr const char* name = "LifoQueue";
  static constexpr const char* get_what = "LifoQueue.get";
  static constexpr const char* put_what = "LifoQueue.put";
  static constexpr const char* peek_what = "LifoQueue.peek";
  std::vector<T> items;
  void push(T&& v) { items.push_back(std::move(v)); }
  T take() {
    T v = std::move(items.back());
    items.pop_back();
    return v;
  }
  T& next() { return items.back(); }
  std::size_t size() const { return items.size(); }
  void clear() { items.clear(); }
};

// A binary heap with the smallest item (by Compare) on top, like Python's heapq.
template <class T, class Compare>
struct PriorityStore {
  static constexpr const char* name = "PriorityQueue";
  static constexpr const char* get_what = "PriorityQueue.get";
  static constexpr const char* put_what = "PriorityQueue.put";
  static constexpr const char* peek_what = "PriorityQueue.peek";
  std::vector<T> items;
  // std heaps keep the largest on top; reversing the comparison keeps the smallest there.
  static bool later(const T& a, const T& b) { return Compare{}(b, a); }
  void push(T&& v) {
    items.push_back(std::move(v));
    std::push_heap(items.begin(), items.end(), &later);
  }
  T take() {
    std::pop_heap(items.begin(), items.end(), &later);
    T v = std::move(items.back());
    items.pop_back();
    return v;
  }
  T& next() { return items.front(); }
  std::size_t size() const { return items.size(); }
  void clear() { items.clear(); }
};

// A greenlet blocked in get/peek (`item` unused) or put (`item` is its argument).
template <class T>
struct QueueWaiter : ListNode {
  explicit QueueWaiter(Fiber* f, T* i = nullptr) : fiber(f), item(i) {}
  Fiber* fiber;
  T* item;
  bool woken = false;  // picked by the unlock pass
  bool done = false;   // put: the item went in
};

}  // namespace detail

/// A queue of T between greenlets, unbounded or holding at most `maxsize` items; T may be move-only.
/// As in gevent, a put() that finds a greenlet waiting in get() does not hand it the item: it queues
/// an unlock pass (behind what is already scheduled) that wakes the longest-waiting getters, one
/// per item present, and each takes its item when it runs - so a PriorityQueue hands the smallest
/// item present then, a LifoQueue the newest, and size() counts what was put and not yet taken.
/// Blocked putters get their items in, in the order they blocked, as room comes. A greenlet killed
/// while blocked loses nothing and takes nothing.
///
///   pinfiber::Queue<int> tasks(3);                  // at most 3 waiting items
///   pinfiber::spawn([&] { for (int i = 1; i < 10; ++i) tasks.put(i); tasks.shutdown(); });
///   for (int task : tasks) std::printf("%d\n", task); // ends once shut down and drained
template <class T, class Store>
class BasicQueue {
 public:
  /// A queue holding at most `maxsize` items; 0 means unbounded (gevent's maxsize=None).
  explicit BasicQueue(std::size_t maxsize = 0) : maxsize_(maxsize), unlock_(*this) { all_done_.set(); }
  /// A queue holding `items` to begin with (gevent's Queue(maxsize, items)); a PriorityQueue orders
  /// them. The bound does not limit them.
  template <std::ranges::input_range R>
  BasicQueue(std::size_t maxsize, R&& items) : BasicQueue(maxsize) {
    for (auto&& item : items) accept(T(std::forward<decltype(item)>(item)));
  }
  BasicQueue(std::size_t maxsize, std::initializer_list<T> items) : BasicQueue(maxsize) {
    for (const T& item : items) accept(T(item));
  }
  BasicQueue(const BasicQueue&) = delete;
  BasicQueue& operator=(const BasicQueue&) = delete;
  /// Destroying a queue that greenlets still block on is a bug: shut it down and let them leave first.
  ~BasicQueue() = default;

  /// Adds `item`, blocking while the queue is full, up to `timeout` (a zero timeout lets every ready
  /// greenlet run once before it gives up). Throws Full if the timeout runs out (the item is not
  /// added; gevent raises Full too), QueueShutdown if the queue is or gets shut down while waiting,
  /// the caller's interrupts (the item is then not added), and LoopExit in the main greenlet if no
  /// room can ever come.
  void put(T item, TimeSpan timeout = forever) {
    if (shutdown_) detail::throw_queue_shutdown(Store::put_what, false);
    if (!full()) {
      accept(std::move(item));
      return;
    }
    detail::QueueWaiter<T> w(detail::current_fiber(), &item);
    putters_.push_back(&w);
    Leave leave{putters_, w};
    if (!getters_.empty()) unlock_.schedule();
    detail::wait_until({Store::put_what}, deadline_in(timeout), [&] { return w.done || shutdown_; });
    if (w.done) return;
    if (shutdown_) detail::throw_queue_shutdown(Store::put_what, false);
    detail::throw_queue_full(Store::put_what, timeout, maxsize_);
  }
  /// Adds `item` if there is room now; throws Full otherwise, QueueShutdown once shut down. Never
  /// blocks.
  void put_nowait(T item) {
    if (shutdown_) detail::throw_queue_shutdown(Store::put_what, false);
    if (full()) detail::throw_queue_full(Store::put_what, Duration::zero(), maxsize_);
    accept(std::move(item));
  }

  /// Removes and returns the next item, blocking while the queue is empty, up to `timeout` (a zero
  /// timeout lets every ready greenlet run once before it gives up). Throws Empty if the timeout runs
  /// out (gevent raises Empty, not Timeout), QueueShutdown once the queue is shut down and drained,
  /// the caller's interrupts, and LoopExit ("...waits for Queue.get...") in the main greenlet if no
  /// item can ever come.
  T get(TimeSpan timeout = forever) {
    wait_for_item(timeout, Store::get_what);
    return take();
  }
  /// Removes and returns the next item if there is one; throws Empty otherwise (QueueShutdown once
  /// shut down and drained). Never blocks.
  T get_nowait() {
    if (store_.size() == 0) {
      if (shutdown_) detail::throw_queue_shutdown(Store::get_what, true);
      detail::throw_queue_empty(Store::get_what, Duration::zero());
    }
    return take();
  }

  /// Returns the next item without removing it, blocking while the queue is empty, up to `timeout`.
  /// The reference is valid until the queue next changes. Errors as get().
  T& peek(TimeSpan timeout = forever) {
    wait_for_item(timeout, Store::peek_what);
    return store_.next();
  }
  /// peek() without blocking: throws Empty if the queue is empty.
  T& peek_nowait() {
    if (store_.size() == 0) detail::throw_queue_empty(Store::peek_what, Duration::zero());
    return store_.next();
  }

  /// Items in the queue now: put and not yet taken (gevent's qsize()).
  std::size_t size() const { return store_.size(); }
  bool empty() const { return store_.size() == 0; }
  /// True if a put() would block; an unbounded queue is never full.
  bool full() const { return maxsize_ > 0 && store_.size() >= maxsize_; }
  /// The bound given at construction (0: unbounded).
  std::size_t maxsize() const { return maxsize_; }
  /// Greenlets blocked in get()/peek() / put() now.
  std::size_t getter_count() const { return getters_.size(); }
  std::size_t putter_count() const { return putters_.size(); }

  /// Shuts the queue down: every later put() and every blocked putter fails with QueueShutdown (their
  /// items are not added); getters still receive the items already queued, then get QueueShutdown, so
  /// consumers stop cleanly once the queue is drained. With `immediate`, the queued items are dropped
  /// too (and count as done for join()). Never blocks; calling it again does nothing more.
  void shutdown(bool immediate = false) {
    shutdown_ = true;
    if (immediate && store_.size() > 0) {
      unfinished_ -= std::min(unfinished_, store_.size());
      store_.clear();
      if (unfinished_ == 0) all_done_.set();
    }
    // Everyone blocked re-checks: putters are refused, getters take what is left or stop.
    for (detail::ListNode* n = putters_.front(); n; n = putters_.next_of(n)) detail::wake(waiter(n)->fiber);
    for (detail::ListNode* n = getters_.front(); n; n = getters_.next_of(n)) detail::wake(waiter(n)->fiber);
  }
  bool is_shutdown() const { return shutdown_; }

  /// Input iteration: each step is a get(); iteration ends when the queue is shut down and drained.
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(BasicQueue* q) : q_(q) { fetch(); }
    T& operator*() const { return *cur_; }
    T* operator->() const { return &*cur_; }
    iterator& operator++() {
      fetch();
      return *this;
    }
    void operator++(int) { fetch(); }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.q_ == nullptr; }

   private:
    void fetch() {
      try {
        cur_.emplace(q_->get());
      } catch (const QueueShutdown&) {
        q_ = nullptr;
        cur_.reset();
      }
    }
    BasicQueue* q_ = nullptr;
    mutable std::optional<T> cur_;
  };
  /// Blocks for the first item (see get()).
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 protected:
  // JoinableQueue makes these public.
  void task_done() {
    if (unfinished_ == 0) detail::throw_task_done_too_often(Store::name);
    if (--unfinished_ == 0) all_done_.set();
  }
  bool join(TimeSpan timeout = forever) { return all_done_.wait(timeout); }
  std::size_t unfinished_tasks() const { return unfinished_; }

 private:
  using Waiter = detail::QueueWaiter<T>;
  static Waiter* waiter(detail::ListNode* n) { return static_cast<Waiter*>(n); }

  // Takes a waiter out of its list on every way out of a wait.
  struct Leave {
    detail::IntrusiveList& list;
    Waiter& w;
    ~Leave() {
      if (w.linked()) list.erase(&w);
    }
  };

  // gevent's Queue._unlock: in rounds, a blocked putter's item goes in while there is room, and a
  // blocked getter is woken while there are items; each runs at once, until it blocks.
  class Unlock final : public detail::Notifier {
   public:
    explicit Unlock(BasicQueue& q) : q_(q) {}
    detail::Fiber* step() override {
      for (;;) {
        if (phase_ == 0) {
          phase_ = 1;
          progressed_ = false;
          if (!q_.putters_.empty() && !q_.full()) {
            progressed_ = true;
            Waiter* p = waiter(q_.putters_.pop_front());
            q_.accept(std::move(*p->item), false);  // this pass serves the getters itself
            p->done = true;
            if (detail::Fiber* f = detail::resume_now(p->fiber)) return f;
          }
        }
        phase_ = 0;
        if (!q_.getters_.empty() && q_.store_.size() > 0) {
          progressed_ = true;
          Waiter* g = waiter(q_.getters_.pop_front());
          g->woken = true;
          if (detail::Fiber* f = detail::resume_now(g->fiber)) return f;
          continue;
        }
        if (!progressed_) return nullptr;
      }
    }

   private:
    BasicQueue& q_;
    int phase_ = 0;
    bool progressed_ = false;
  };

  // Blocks until an item is present for this greenlet to take (or throws).
  void wait_for_item(Duration timeout, const char* what) {
    if (store_.size() > 0) return;
    if (shutdown_) detail::throw_queue_shutdown(what, true);
    Waiter w(detail::current_fiber());
    getters_.push_back(&w);
    Leave leave{getters_, w};
    if (!putters_.empty()) unlock_.schedule();
    const TimePoint deadline = deadline_in(timeout);
    for (;;) {
      const bool woken = detail::wait_until({what}, deadline, [&] { return w.woken || shutdown_; });
      if (store_.size() > 0 && woken) return;  // wake, then take
      if (shutdown_) detail::throw_queue_shutdown(what, true);
      if (!woken) detail::throw_queue_empty(what, timeout);
      // Woken, but what it was woken for was taken first: wait again without losing its place.
      w.woken = false;
      getters_.push_front(&w);
    }
  }

  T take() {
    T v = store_.take();
    if (!putters_.empty()) unlock_.schedule();
    return v;
  }

  void accept(T&& item, bool wake_getters = true) {
    store_.push(std::move(item));
    ++unfinished_;
    if (all_done_.is_set()) all_done_.clear();
    if (wake_getters && !getters_.empty()) unlock_.schedule();
  }

  Store store_;
  std::size_t maxsize_;
  bool shutdown_ = false;
  std::size_t unfinished_ = 0;
  Event all_done_;
  detail::IntrusiveList getters_;
  detail::IntrusiveList putters_;
  Unlock unlock_;
};

/// First in, first out (gevent.queue.Queue). See BasicQueue.
template <class T>
using Queue = BasicQueue<T, detail::FifoStore<T>>;

/// Last in, first out (gevent.queue.LifoQueue): get() takes the most recently put item.
///
///   pinfiber::LifoQueue<int> stack;
///   stack.put(1); stack.put(2);
///   stack.get();   // 2
template <class T>
using LifoQueue = BasicQueue<T, detail::LifoStore<T>>;

/// Smallest first (gevent.queue.PriorityQueue): get() takes the least item by Compare present when
/// the getter runs; use pairs (priority, data) as in Python.
///
///   pinfiber::PriorityQueue<std::pair<int, std::string>> jobs;
///   jobs.put({2, "later"}); jobs.put({1, "first"});
///   jobs.get().second;   // "first"
template <class T, class Compare = std::less<T>>
using PriorityQueue = BasicQueue<T, detail::PriorityStore<T, Compare>>;

/// A FIFO Queue that also counts unfinished tasks (gevent.queue.JoinableQueue): every item put (or
/// given at construction) adds one, every task_done() removes one, and join() waits until none is
/// left.
///
///   pinfiber::JoinableQueue<Job> q;
///   pinfiber::spawn([&] { for (Job& j : q) { run(j); q.task_done(); } });
///   q.put(job); q.join();   // returns once the worker finished it
template <class T>
class JoinableQueue : public Queue<T> {
 public:
  using Queue<T>::Queue;
  /// Marks one item taken by get() as fully processed. Throws Error if called more times than items
  /// were put. Never blocks.
  void task_done() { Queue<T>::task_done(); }
  /// Blocks until every item put so far was marked done, or `timeout` passes; returns true if all
  /// were done (false on timeout, as gevent). Throws the caller's interrupts, and LoopExit in the
  /// main greenlet if the count can never reach zero.
  bool join(TimeSpan timeout = forever) { return Queue<T>::join(timeout); }
  /// Items put but not yet marked done.
  std::size_t unfinished_tasks() const { return Queue<T>::unfinished_tasks(); }
};

}  // namespace pinfiber
