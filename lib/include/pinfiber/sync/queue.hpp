#pragma once
// Queues between greenlets (gevent.queue): Queue (FIFO), LifoQueue, PriorityQueue, JoinableQueue.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/wait_queue.hpp"
#include "pinfiber/sync/detail/handoff.hpp"
#include "pinfiber/sync/errors.hpp"
#include "pinfiber/sync/event.hpp"

namespace pinfiber {

namespace detail {

[[noreturn]] void throw_queue_empty(const char* op, Duration timeout);
[[noreturn]] void throw_queue_full(const char* op, Duration timeout, std::size_t maxsize);
[[noreturn]] void throw_queue_shutdown(const char* op, bool drained);
[[noreturn]] void throw_task_done_too_often(const char* name);

// Stores: where items wait, and which one get() takes next. give_back() returns an item a killed
// getter had been handed, so that it is the next one taken again.
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
  void give_back(T&& v) { items.push_front(std::move(v)); }
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
  void give_back(T&& v) { items.push_back(std::move(v)); }
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
  void give_back(T&& v) { push(std::move(v)); }
  std::size_t size() const { return items.size(); }
  void clear() { items.clear(); }
};

}  // namespace detail

/// A queue of T between greenlets, unbounded or holding at most `maxsize` items; T may be move-only.
/// Blocked getters receive items in the order they blocked, and blocked putters add theirs in the
/// order they blocked: an item is handed straight to the longest-waiting getter, so a greenlet that
/// comes later cannot overtake it. A greenlet killed while blocked loses nothing: an item it had
/// just been handed goes back to the front for the next getter.
///
///   pinfiber::Queue<int> tasks(3);                  // at most 3 waiting items
///   pinfiber::spawn([&] { for (int i = 1; i < 10; ++i) tasks.put(i); tasks.shutdown(); });
///   for (int task : tasks) std::printf("%d\n", task); // ends once shut down and drained
template <class T, class Store>
class BasicQueue {
 public:
  /// A queue holding at most `maxsize` items; 0 means unbounded (gevent's maxsize=None).
  explicit BasicQueue(std::size_t maxsize = 0) : maxsize_(maxsize) { all_done_.set(); }
  BasicQueue(const BasicQueue&) = delete;
  BasicQueue& operator=(const BasicQueue&) = delete;
  /// Destroying a queue that greenlets still block on is a bug: shut it down and let them leave first.
  ~BasicQueue() = default;

  /// Adds `item`, blocking while the queue is full, up to `timeout`. Throws Full if the timeout runs
  /// out (the item is not added; gevent raises Full too), QueueShutdown if the queue is or gets shut
  /// down while waiting, the caller's interrupts (an interrupt that arrives after the item was taken
  /// in still propagates; the item stays queued), and LoopExit in the main greenlet if no room can
  /// ever come.
  void put(T item, Duration timeout = forever) {
    if (shutdown_) detail::throw_queue_shutdown(Store::put_what, false);
    if (!full()) {
      accept(std::move(item));
      return;
    }
    PutWaiter w;
    w.wake = &PutWaiter::on_pick;
    w.queue = this;
    w.item = &item;
    if (!detail::wait_handoff(putters_, w, {Store::put_what}, detail::deadline_in(timeout), [] {})) {
      detail::throw_queue_full(Store::put_what, timeout, maxsize_);
    }
    if (w.refused) detail::throw_queue_shutdown(Store::put_what, false);
  }
  /// Adds `item` if there is room now; throws Full otherwise, QueueShutdown once shut down. Never blocks.
  void put_nowait(T item) { put(std::move(item), Duration::zero()); }

  /// Removes and returns the next item, blocking while the queue is empty, up to `timeout`. Throws
  /// Empty if the timeout runs out (gevent raises Empty, not Timeout), QueueShutdown once the queue is
  /// shut down and drained, the caller's interrupts, and LoopExit ("...waits for Queue.get...") in the
  /// main greenlet if no item can ever come.
  T get(Duration timeout = forever) {
    if (store_.size() > 0) {
      T v = store_.take();
      after_take();
      return v;
    }
    if (shutdown_) detail::throw_queue_shutdown(Store::get_what, true);
    GetWaiter w;
    w.wake = &GetWaiter::on_pick;
    w.queue = this;
    const bool picked = detail::wait_handoff(getters_, w, {Store::get_what}, detail::deadline_in(timeout),
                                             [this, &w] { give_back(w); });
    if (!picked) detail::throw_queue_empty(Store::get_what, timeout);
    if (!w.item) detail::throw_queue_shutdown(Store::get_what, true);
    return std::move(*w.item);
  }
  /// Removes and returns the next item if there is one; throws Empty otherwise (QueueShutdown once
  /// shut down and drained). Never blocks.
  T get_nowait() { return get(Duration::zero()); }

  /// Returns the next item without removing it, blocking while the queue is empty, up to `timeout`.
  /// The reference is valid until the queue next changes. Errors as get().
  T& peek(Duration timeout = forever) {
    const TimePoint deadline = detail::deadline_in(timeout);
    while (store_.size() == 0) {
      if (shutdown_) detail::throw_queue_shutdown(Store::peek_what, true);
      detail::Waiter w;
      if (!detail::wait_handoff(peekers_, w, {Store::peek_what}, deadline, [] {})) {
        detail::throw_queue_empty(Store::peek_what, timeout);
      }
    }
    return store_.next();
  }
  /// peek() without blocking: throws Empty if the queue is empty.
  T& peek_nowait() { return peek(Duration::zero()); }

  /// Items in the queue now (gevent's qsize()).
  std::size_t size() const { return store_.size(); }
  bool empty() const { return store_.size() == 0; }
  /// True if a put() would block; an unbounded queue is never full.
  bool full() const { return maxsize_ > 0 && store_.size() >= maxsize_; }
  /// The bound given at construction (0: unbounded).
  std::size_t maxsize() const { return maxsize_; }
  /// Greenlets blocked in get() / put() now.
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
    putters_.notify_all();  // refused: see PutWaiter::on_pick
    getters_.notify_all();  // only blocked while empty: each gets QueueShutdown
    peekers_.notify_all();
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
  bool join(Duration timeout = forever) { return all_done_.wait(timeout); }
  std::size_t unfinished_tasks() const { return unfinished_; }

 private:
  struct GetWaiter : detail::Waiter {
    BasicQueue* queue = nullptr;
    std::optional<T> item;  // stays empty when woken by shutdown()
    // Runs inside notify_one(): the item changes hands before anyone else can run.
    static void on_pick(detail::Waiter* base) {
      auto* w = static_cast<GetWaiter*>(base);
      BasicQueue* q = w->queue;
      if (q->store_.size() > 0) {
        w->item.emplace(q->store_.take());
        q->after_take();
      }
      detail::unpark(w->fiber);
    }
  };
  struct PutWaiter : detail::Waiter {
    BasicQueue* queue = nullptr;
    T* item = nullptr;  // the blocked putter's argument
    bool refused = false;
    static void on_pick(detail::Waiter* base) {
      auto* w = static_cast<PutWaiter*>(base);
      if (w->queue->shutdown_) {
        w->refused = true;
      } else {
        w->queue->accept(std::move(*w->item));
      }
      detail::unpark(w->fiber);
    }
  };

  void accept(T&& item) {
    store_.push(std::move(item));
    ++unfinished_;
    if (all_done_.is_set()) all_done_.clear();
    if (!peekers_.empty()) peekers_.notify_all();
    if (!getters_.empty()) getters_.notify_one();
  }
  // A slot came free: the longest-waiting putter's item takes it.
  void after_take() {
    if (!putters_.empty() && !full()) putters_.notify_one();
  }
  // A getter was handed an item but was interrupted before it could return it.
  void give_back(GetWaiter& w) {
    if (!w.item) return;
    store_.give_back(std::move(*w.item));
    if (!getters_.empty()) getters_.notify_one();
  }

  Store store_;
  std::size_t maxsize_;
  bool shutdown_ = false;
  std::size_t unfinished_ = 0;
  Event all_done_;
  detail::WaitQueue getters_;
  detail::WaitQueue putters_;
  detail::WaitQueue peekers_;
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

/// Smallest first (gevent.queue.PriorityQueue): get() takes the least item by Compare; use pairs
/// (priority, data) as in Python.
///
///   pinfiber::PriorityQueue<std::pair<int, std::string>> jobs;
///   jobs.put({2, "later"}); jobs.put({1, "first"});
///   jobs.get().second;   // "first"
template <class T, class Compare = std::less<T>>
using PriorityQueue = BasicQueue<T, detail::PriorityStore<T, Compare>>;

/// A FIFO Queue that also counts unfinished tasks (gevent.queue.JoinableQueue): every put() adds one,
/// every task_done() removes one, and join() waits until none is left.
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
  bool join(Duration timeout = forever) { return Queue<T>::join(timeout); }
  /// Items put but not yet marked done.
  std::size_t unfinished_tasks() const { return Queue<T>::unfinished_tasks(); }
};

}  // namespace pinfiber
