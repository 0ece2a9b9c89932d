#pragma once
// The hub's machinery: run queue, switches, timers, clock and the libev loop. Private.

#include <ev.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "core/context_switch.hpp"
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
  Fiber* current_fiber() const { return current_; }
  Fiber* main_fiber() { return main_; }

  // Scheduling (see fiber.hpp for the contracts).
  void schedule(Fiber* f);
  void schedule_later(Fiber* f, Duration delay);
  void park(WaitFor what);
  bool park_until(WaitFor what, TimePoint deadline);
  void unpark(Fiber* f);
  void interrupt(Fiber* f, std::exception_ptr ex);
  void yield_now();

  // Timers and clock.
  void arm(TimerNode& n, TimePoint deadline) { timers_.arm(n, deadline); }
  void disarm(TimerNode& n) { timers_.disarm(n); }
  TimePoint now() const;
  void pause_clock();
  void resume_clock();
  bool clock_paused() const { return paused_; }
  void advance_clock(Duration d);

  std::uint64_t loop_iterations() const { return ev_iteration(loop_); }
  struct ev_loop* loop() const {
    return loop_;
  }
  void post(std::function<void()> fn);
  void hold() { holds_.fetch_add(1); }
  void unhold();

  void set_exception_handler(ExceptionHandler h) { handler_ = std::move(h); }
  void report(Fiber* f, std::exception_ptr e);
  void set_default_stack_size(std::size_t bytes);
  std::size_t default_stack_size() const { return default_stack_size_; }
  std::size_t greenlet_count() const { return all_.size(); }
  std::uint64_t next_id() { return ++last_id_; }

  /// Called from the SIGSEGV handler: the fiber whose guard page `addr` hit, if any.
  const Fiber* overflowing_fiber(const void* addr) const;

 private:
  static HubImpl& create();
  static thread_local HubImpl* tls_hub_;

  void push_ready(Fiber* f);
  Fiber* pop_ready();
  void switch_out();
  void switch_to(Fiber* next);
  void after_switch(void* from_ctx, Fiber* from);
  static void fiber_entry(ctx::transfer_t t);
  [[noreturn]] void run_fiber(Fiber* f);
  void finish(Fiber* f);
  void start_context(Fiber* f);
  [[noreturn]] void overflow_abort(const Fiber* f);
  void release_zombie();
  void hub_loop();
  void poll(bool may_block);
  void fire_due_timers();
  void deliver_loop_exit();
  void sync_hold_ref();
  void kill_all_on_exit();

 public:
  std::size_t kill_all(Duration timeout);
  void* extension(const void* key, void* (*make)(), void (*destroy)(void*));
  const HubActivity& activity() const { return activity_; }

 private:
  static void on_async(struct ev_loop*, ev_async*, int);
  static void on_wake_timer(struct ev_loop*, ev_timer*, int) {}
  static void on_delayed_start(TimerNode* n);
  static void on_park_timeout(TimerNode* n);

  Hub facade_{this};
  Fiber* main_ = nullptr;
  Fiber* hub_fiber_ = nullptr;
  Fiber* current_ = nullptr;
  Fiber* zombie_ = nullptr;  // finished fiber whose stack is freed once we are off it
  Fiber* ready_head_ = nullptr;
  Fiber* ready_tail_ = nullptr;
  unsigned switches_since_poll_ = 0;

  TimerHeap timers_;
  bool paused_ = false;
  TimePoint paused_now_{};
  Duration offset_{0};

  struct ev_loop* loop_ = nullptr;
  ev_async async_{};
  ev_timer wake_timer_{};
  std::mutex post_mutex_;
  std::vector<std::function<void()>> posted_;
  std::atomic<int> holds_{0};
  bool hold_ref_taken_ = false;

  StackPool stacks_;
  EhState* eh_globals_ = ctx::eh_globals();
  std::size_t default_stack_size_ = 64 * 1024;
  IntrusiveList all_;  // live spawned fibers
  ExceptionHandler handler_;
  std::uint64_t last_id_ = 0;
  void* altstack_ = nullptr;
  struct Extension {
    const void* key;
    void* object;
    void (*destroy)(void*);
  };
  std::vector<Extension> extensions_;
  HubActivity activity_;
};

}  // namespace pinfiber::detail
