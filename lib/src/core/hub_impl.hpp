#pragma once
// The hub's machinery: run queue, switches, timers, the test clock, services and the event driver.
// Private to core; other layers see Hub (pinfiber/core/hub.hpp) and the detail headers.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/context_switch.hpp"
#include "core/driver.hpp"
#include "core/fiber_cache.hpp"
#include "core/stack_pool.hpp"
#include "core/timer_heap.hpp"
#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/hub.hpp"

namespace pinfiber::detail {

class HubImpl {
 public:
  /// The calling thread's hub, created on first use.
  static HubImpl& current() {
    HubImpl* h = tls_hub_;
    return h ? *h : create();
  }
  static HubImpl* current_or_null() { return tls_hub_; }

  HubImpl();
  ~HubImpl();
  HubImpl(const HubImpl&) = delete;
  HubImpl& operator=(const HubImpl&) = delete;

  Hub& facade() { return facade_; }
  Driver& driver() { return driver_; }
  FiberCache& fiber_cache() { return fiber_cache_; }
  Fiber* current_fiber() const { return current_; }
  Fiber* main_fiber() { return main_; }

  // --- scheduling (scheduler.cpp) ---
  /// Registers a new greenlet (stack, id) without queueing it. Throws Error if no stack can be had.
  void adopt(Fiber* f);
  /// Queues an adopted greenlet for its first turn, now or after `delay`.
  void start(Fiber* f);
  void start_later(Fiber* f, Duration delay);
  /// Marks an adopted greenlet as running at once (a link callback a notifier hands the CPU to).
  Fiber* start_now(Fiber* f);
  /// detail::park_switch() and park_resumed() (park.hpp): park_until() in two halves.
  static Resumption park_switch(WaitFor what, TimePoint deadline);
  static bool park_resumed(Resumption r);
  /// Throws Error: the caller may not block (the hub fiber, a notifier step).
  [[noreturn]] void refuse_to_block() const;
  void wake(Fiber* f);
  Fiber* resume_now(Fiber* f);
  void interrupt(Fiber* f, std::exception_ptr ex);
  void queue_kill(Fiber* f, std::exception_ptr ex);
  /// detail::yield_switch() and resumed_after_yield() (park.hpp): yield_now() in two halves.
  static Resumption yield_switch();
  static void resumed_after_yield(Resumption r);
  void cooperate();
  /// Parks the current greenlet until the run queue is empty and nothing is due (idle()).
  void wait_idle();
  void enqueue(Runnable* r);
  void dequeue(Runnable* r);

  // --- timers and the clock (clock.cpp) ---
  void arm(TimerNode& n, TimePoint deadline) { timers_.arm(n, deadline); }
  void disarm(TimerNode& n) { timers_.disarm(n); }
  TimePoint now() const;
  void pause_clock();
  void resume_clock();
  bool clock_paused() const { return paused_; }
  void advance_clock(Duration d);
  void inhibit_auto_advance() { ++inhibitors_; }
  void allow_auto_advance() { --inhibitors_; }
  std::size_t auto_advance_inhibitors() const { return inhibitors_; }
  std::size_t pending_timers() const { return timers_.size(); }
  bool has_ready() const { return ready_head_ != nullptr; }

  // --- other threads (hub.cpp) ---
  void post(std::function<void()> fn);
  void hold() {
    holds_.fetch_add(1);
    driver_.wake();  // the hub re-reads the hold count at its next poll
  }
  void unhold();

  // --- greenlets as a set (hub.cpp) ---
  void set_exception_handler(ExceptionHandler h) { handler_ = std::move(h); }
  void report(const Fiber* f, std::exception_ptr e);
  void set_default_stack_size(std::size_t bytes) { default_stack_size_ = bytes; }
  std::size_t default_stack_size() const { return default_stack_size_; }
  std::size_t greenlet_count() const { return all_.size(); }
  std::vector<FiberRef> greenlets() const;
  std::size_t kill_all(Duration timeout);
  const HubActivity& activity() const { return activity_; }
  void name_changed(const Fiber* f);
  std::uint64_t next_id() { return ++last_id_; }

  // --- services (hub.cpp) ---
  void* find_service(const void* key) const;
  void add_service(const void* key, void* object, void (*destroy)(void*));

  /// Called from the SIGSEGV handler: the fiber whose guard region `addr` hit, if any.
  const Fiber* overflowing_fiber(const void* addr) const;
  [[noreturn]] void overflow_abort(const Fiber* f);

 private:
  static HubImpl& create();
  // constinit: other files read it without calling a TLS init wrapper first (a call and a branch
  // on every HubImpl::current()).
  static constinit thread_local HubImpl* tls_hub_;

  // scheduler.cpp
  void push_back(Runnable* r);
  void push_front(Runnable* r);
  Runnable* pop();
  Fiber* next_slow();
  void request_poll() {
    poll_at_switch_ = switches();
    poll_requested_ = true;
  }
  std::size_t switches() const { return activity_.switches.load(std::memory_order_relaxed); }
  // Relaxed load+store, not an atomic increment: only this thread writes, the monitor only reads.
  void count_switch(std::size_t before) { activity_.switches.store(before + 1, std::memory_order_relaxed); }
  bool busy_poll_due();
  Fiber* next_to_run();
  Fiber* next_to_switch_to();
  Fiber* run_kill(KillRequest* k);
  void switch_out();
  void switch_to(Fiber* next);
  void before_switch(Fiber* prev, Fiber* next);
  /// A greenlet whose stack has no guard page but a canary, checked each time it switches out.
  static bool has_canary(const Fiber* f) { return f->stack_guard_ == static_cast<std::uint8_t>(GuardKind::canary); }
  static void after_switch(ctx::transfer_t t);
  static Fiber* resumed(Resumption r);
  [[gnu::noinline]] static Resumption yield_slow();
  void arm_park_timer(Fiber* self, TimePoint deadline);
  [[gnu::noinline]] static Resumption stay_running(Fiber* self);
  [[gnu::cold, gnu::noinline]] void check_canary(Fiber* f);
  [[noreturn, gnu::cold, gnu::noinline]] static void throw_interrupt(Fiber* self);
  static void fiber_entry(ctx::transfer_t t);
  [[noreturn]] void run_fiber(Fiber* f);
  void finish(Fiber* f, std::exception_ptr ended_with);
  [[gnu::noinline]] void release_zombie();
  Stack retire_zombie();
  void hub_loop();
  void poll(bool may_block);
  void fire_due_timers();
  void deliver_loop_exit();
  void drain_posted();
  static void on_delayed_start(TimerNode* n);
  static void on_park_timeout(TimerNode* n);

  // hub.cpp
  void kill_all_on_exit();

  // First, so that it goes last: Fibers released while the hub ends return their memory to it.
  FiberCache fiber_cache_;
  Hub facade_{this};
  Driver driver_;
  Fiber* main_ = nullptr;
  Fiber* hub_fiber_ = nullptr;
  Fiber* current_ = nullptr;
  // The greenlet that ended last: its stack goes back to the pool once nobody runs on it - at the
  // next spawn, the next greenlet's end or the hub's next turn, so that no switch tests for it.
  Fiber* zombie_ = nullptr;
  Runnable* ready_head_ = nullptr;
  Runnable* ready_tail_ = nullptr;
  // True while the hub fiber or a notifier step runs: a blocking call then must throw (one flag, so
  // that yield and park test one byte).
  bool cannot_block_ = false;
  // While greenlets keep switching among themselves, the hub fiber polls the loop once kPollEvery
  // direct switches and kPollInterval have both passed since its last such poll. A non-blocking
  // epoll_wait (with the two switches to the hub and back) costs about as much as 60 yield round
  // trips on a PC: polling every 256 switches cost a quarter of a yield, every 50 us it costs a few
  // percent. A timer or socket then waits at most 50 us plus 256 turns behind greenlets that keep
  // yielding (on a Pi Zero, 256 turns take longer than 50 us: it polls every 256). The clock is read
  // once per 256 switches, never on the fast path.
  //
  // The switches are counted by the monitor's counter (activity_.switches), which every switch bumps
  // anyway; the switch that finds it at poll_at_switch_ goes the slow way, where the clock is looked
  // at. Every switch that counts has made that test first, or follows a reset of poll_at_switch_,
  // so the counter never steps over it.
  static constexpr unsigned kPollEvery = 256;
  static constexpr std::chrono::microseconds kPollInterval{50};
  std::size_t poll_at_switch_ = kPollEvery;
  // A greenlet asked for a poll now (its budget ran out, or it yielded with nothing else ready):
  // the interval does not apply.
  bool poll_requested_ = false;
  std::chrono::steady_clock::time_point last_busy_poll_{};
  unsigned budget_ = 0;        // ready operations the running greenlet may still do without yielding
  Fiber* deferred_ = nullptr;  // out of budget: queued again only after the hub has polled
  // True while a notifier step runs (a links pass with its rawlink callbacks, a queue's unlock): it
  // runs on the stack of the greenlet switching out, so a blocking call there must throw, not park
  // that greenlet.
  bool in_notifier_ = false;
  std::vector<Fiber*> idle_waiters_;

  TimerHeap timers_;
  bool paused_ = false;
  TimePoint paused_now_{};
  Duration offset_{0};
  std::size_t inhibitors_ = 0;

  std::mutex post_mutex_;
  std::vector<std::function<void()>> posted_;
  std::atomic<int> holds_{0};

  StackPool stacks_;
  EhState* eh_globals_ = ctx::eh_globals();
  std::size_t default_stack_size_ = 64 * 1024;
  IntrusiveList all_;  // live greenlets (started or not), the main greenlet excepted
  ExceptionHandler handler_;
  std::uint64_t last_id_ = 0;
  void* altstack_ = nullptr;
  struct Service {
    const void* key;
    void* object;
    void (*destroy)(void*);
  };
  std::vector<Service> services_;
  HubActivity activity_;
};

}  // namespace pinfiber::detail
