// The hub: run queue, switching, timers, the test clock and the libev loop.
//
// Scheduling, in one place:
//  - Ready greenlets run first-in first-out. A greenlet that blocks hands the CPU straight to the next
//    ready one (one context switch, no detour through the hub).
//  - The hub fiber polls I/O and fires timers whenever the run queue is empty, and also after every
//    kPollEvery direct switches, so greenlets that keep yielding cannot starve I/O and timers.
//  - Wake-ups (timers, I/O, sync objects) append to the run queue in the order they happen.
//  - With nothing ready, the hub sleeps in epoll_wait until the earliest timer (one ev_timer armed
//    for it) or I/O; with the test clock paused it jumps to the earliest timer instead.
//  - With nothing ready, no timer and no active watcher, nothing can ever wake the main greenlet:
//    it gets LoopExit.

#include "core/hub_impl.hpp"

#include <cxxabi.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <typeinfo>

#include "pinfiber/core/errors.hpp"

namespace pinfiber::detail {

namespace {

// Direct switches between two polls of the loop: a non-blocking epoll_wait costs about as much as
// 30 switches, so polling every 256 keeps it to a few percent of a yield, while a timer or socket
// waits at most 256 turns (a few microseconds on a PC) behind greenlets that keep yielding.
constexpr unsigned kPollEvery = 256;

// The main greenlet (the thread's own stack) and the hub fiber (which runs hub_loop, entered from
// fiber_entry) have no body of their own.
class BodylessFiber final : public Fiber {
 public:
  explicit BodylessFiber(std::size_t stack) : Fiber(stack) {}

 private:
  void run_body() override {}
};

thread_local std::unique_ptr<HubImpl> tls_hub_owner;

std::string exception_description(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    int status = 0;
    char* type = abi::__cxa_demangle(typeid(ex).name(), nullptr, nullptr, &status);
    std::string out = std::string(status == 0 && type ? type : typeid(ex).name()) + ": " + ex.what();
    std::free(type);
    return out;
  } catch (const Interrupt& ex) {
    return ex.what();
  } catch (...) {
    std::type_info* t = abi::__cxa_current_exception_type();
    return t ? std::string("exception of type ") + t->name() : std::string("unknown exception");
  }
}

// --- stack overflow reporting -------------------------------------------------------------------

struct sigaction previous_segv_action;

void write_str(const char* s) {
  ssize_t r = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)r;
}

void on_segv(int sig, siginfo_t* info, void* uc) {
  HubImpl* hub = HubImpl::current_or_null();
  if (const Fiber* f = hub ? hub->overflowing_fiber(info->si_addr) : nullptr) {
    // Only async-signal-safe calls from here on: write(2) and formatting by hand.
    char id[24];
    char* p = id + sizeof id;
    *--p = '\0';
    std::uint64_t n = f->id();
    do *--p = static_cast<char>('0' + n % 10);
    while ((n /= 10) != 0);
    write_str("pinfiber: stack overflow in greenlet '");
    if (const char* name = f->name_cstr()) {
      write_str(name);
    } else {
      write_str("Greenlet-");
      write_str(p);
    }
    write_str("': it used its whole stack; spawn it with a larger SpawnOptions::stack_size\n");
    ::signal(SIGSEGV, SIG_DFL);  // returning re-runs the faulting access, which now kills the process
    return;
  }
  if (previous_segv_action.sa_flags & SA_SIGINFO) {
    previous_segv_action.sa_sigaction(sig, info, uc);
  } else if (previous_segv_action.sa_handler != SIG_DFL && previous_segv_action.sa_handler != SIG_IGN) {
    previous_segv_action.sa_handler(sig);
  } else {
    ::signal(SIGSEGV, SIG_DFL);
  }
}

void install_overflow_handler() {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_sigaction = &on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGSEGV, &sa, &previous_segv_action);
    return true;
  }();
  (void)installed;
}

// The handler needs a stack of its own: the one that overflowed has no room left.
void* ensure_alt_stack() {
  stack_t current{};
  constexpr std::size_t kAltSize = 64 * 1024;
  if (::sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) && current.ss_size >= 16 * 1024) {
    return nullptr;  // the thread has one already (ASan installs its own)
  }
  void* mem = std::malloc(kAltSize);
  stack_t ss{};
  ss.ss_sp = mem;
  ss.ss_size = kAltSize;
  if (!mem || ::sigaltstack(&ss, nullptr) != 0) {
    std::free(mem);
    return nullptr;
  }
  return mem;
}

}  // namespace

thread_local HubImpl* HubImpl::tls_hub_ = nullptr;

HubImpl& HubImpl::create() {
  tls_hub_owner = std::make_unique<HubImpl>();
  return *tls_hub_;
}

HubImpl::HubImpl() {
  tls_hub_ = this;
#if defined(PINFIBER_ASAN)
  // ASan's instrumentation makes frames several times larger.
  default_stack_size_ *= 4;
#endif
  loop_ = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
  if (!loop_) throw Error("create the hub's event loop: ev_loop_new failed");
  ev_set_userdata(loop_, this);
  ev_async_init(&async_, &HubImpl::on_async);
  ev_async_start(loop_, &async_);
  ev_unref(loop_);  // a possible post() alone does not keep the loop alive; hold() does
  ev_init(&wake_timer_, &HubImpl::on_wake_timer);

  main_ = new BodylessFiber(0);
  main_->is_main_ = true;
  main_->state_ = FiberState::running;
  main_->name_ = "main";
  current_ = main_;
  hub_fiber_ = new BodylessFiber(default_stack_size_);
  hub_fiber_->name_ = "hub";

  if (const char* mode = std::getenv("PINFIBER_TEST_CLOCK"); mode && std::strcmp(mode, "paused") == 0) pause_clock();
  install_overflow_handler();
  altstack_ = ensure_alt_stack();
}

HubImpl::~HubImpl() {
  kill_all_on_exit();
  // Layer state (io's fd table, ...) goes after the greenlets that used it and before the loop.
  while (!extensions_.empty()) {
    Extension e = extensions_.back();
    extensions_.pop_back();
    e.destroy(e.object);
  }
  if (hub_fiber_->stack_) {
    stacks_.release(Stack{hub_fiber_->stack_, hub_fiber_->stack_size_, GuardKind(hub_fiber_->stack_guard_),
                          hub_fiber_->stack_valgrind_id_});
  }
  hub_fiber_->release();
  main_->release();
  ev_ref(loop_);
  ev_async_stop(loop_, &async_);
  ev_timer_stop(loop_, &wake_timer_);
  ev_loop_destroy(loop_);
  if (altstack_) {
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    ::sigaltstack(&ss, nullptr);
    std::free(altstack_);
  }
  tls_hub_ = nullptr;
}

std::size_t HubImpl::kill_all(Duration timeout) {
  // Interrupt every one first, so that those still waiting for their first turn are finished
  // without running, then wait for the others to unwind.
  std::vector<FiberRef> live;
  for (ListNode* n = all_.front(); n; n = all_.next_of(n)) {
    Fiber* f = static_cast<Fiber::OwnedNode*>(n)->owner;
    if (f != current_) live.emplace_back(f);
  }
  const TimePoint deadline = deadline_after(now(), timeout);
  for (auto& f : live) {
    f->killed_ = true;
    interrupt(f.get(), std::make_exception_ptr(GreenletExit()));
  }
  try {
    for (auto& f : live) {
      while (!f->dead() && f->done_waiters().wait({"greenlet exit (kill_all)", f.get()}, deadline)) {
      }
    }
  } catch (const LoopExit&) {
    // One swallowed GreenletExit and blocks forever: it is left behind, and counted below.
  }
  std::size_t alive = 0;
  for (auto& f : live) alive += f->dead() ? 0 : 1;
  return alive;
}

// Greenlets still alive when their thread ends are killed, so their destructors run; one that
// refuses to die (swallows GreenletExit and blocks forever) is abandoned when LoopExit says so.
void HubImpl::kill_all_on_exit() {
  if (current_ != main_) return;  // thread exit from inside a greenlet: nothing safe to do
  kill_all(forever);
  // Drop the run queue's references to greenlets killed before they ran.
  while (pop_ready()) {
  }
}

void* HubImpl::extension(const void* key, void* (*make)(), void (*destroy)(void*)) {
  for (auto& e : extensions_) {
    if (e.key == key) return e.object;
  }
  extensions_.push_back({key, make(), destroy});
  return extensions_.back().object;
}

// --- run queue and switching ----------------------------------------------------------------------

void HubImpl::push_ready(Fiber* f) {
  f->next_ready_ = nullptr;
  if (ready_tail_) {
    ready_tail_->next_ready_ = f;
  } else {
    ready_head_ = f;
  }
  ready_tail_ = f;
}

Fiber* HubImpl::pop_ready() {
  while (Fiber* f = ready_head_) {
    ready_head_ = f->next_ready_;
    if (!ready_head_) ready_tail_ = nullptr;
    if (f->state_ != FiberState::dead) return f;
    f->release();  // killed before it ever ran: drop the run queue's reference
  }
  return nullptr;
}

void HubImpl::schedule(Fiber* f) {
  f->id_ = next_id();
  f->state_ = FiberState::scheduled;
  all_.push_back(&f->all_node_);
  push_ready(f);
}

void HubImpl::on_delayed_start(TimerNode* n) {
  auto* f = static_cast<Fiber*>(n->context);
  current().push_ready(f);
}

void HubImpl::schedule_later(Fiber* f, Duration delay) {
  f->id_ = next_id();
  f->state_ = FiberState::scheduled;
  all_.push_back(&f->all_node_);
  f->wake_timer_.fire = &HubImpl::on_delayed_start;
  f->wake_timer_.context = f;
  timers_.arm(f->wake_timer_, deadline_after(now(), delay));
}

void HubImpl::start_context(Fiber* f) {
  Stack s = stacks_.acquire(f->stack_size_);
  f->stack_ = s.base;
  f->stack_guard_ = static_cast<std::uint8_t>(s.guard);
  f->stack_valgrind_id_ = s.valgrind_id;
  f->context_ = ctx::make_fcontext(static_cast<char*>(s.base) + s.size, s.size, &HubImpl::fiber_entry);
}

// Inlined into its callers: every call level between a greenlet and the jump is one more return
// the CPU mispredicts after the switch, and yield is the hot path.
[[gnu::always_inline]] inline void HubImpl::switch_to(Fiber* next) {
  Fiber* prev = current_;
  if (prev->stack_guard_ == static_cast<std::uint8_t>(GuardKind::canary) && prev->stack_ &&
      !StackPool::canary_intact(Stack{prev->stack_, prev->stack_size_, GuardKind::canary, 0})) {
    overflow_abort(prev);
  }
  if (!next->context_) start_context(next);
  current_ = next;
  next->state_ = FiberState::running;
  // Relaxed load+store, not an atomic increment: only this thread writes, the monitor only reads.
  activity_.switches.store(activity_.switches.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  activity_.running.store(next, std::memory_order_relaxed);
  ctx::swap_eh(eh_globals_, prev->eh_, next->eh_);
  const bool prev_dying = prev->state_ == FiberState::dead;
  const void* bottom = next->stack_ ? next->stack_ : next->asan_stack_bottom_;
  const std::size_t size = next->stack_ ? next->stack_size_ : next->asan_stack_size_;
  ctx::asan_start_switch(prev_dying ? nullptr : &prev->asan_fake_stack_, bottom, size);
  ctx::transfer_t t = ctx::jump(next->context_, prev);
  after_switch(t.fctx, static_cast<Fiber*>(t.data));
}

void HubImpl::after_switch(void* from_ctx, Fiber* from) {
  from->context_ = from_ctx;
  const void* old_bottom = nullptr;
  std::size_t old_size = 0;
  ctx::asan_finish_switch(current_->asan_fake_stack_, &old_bottom, &old_size);
  if (from->is_main_) {
    from->asan_stack_bottom_ = old_bottom;
    from->asan_stack_size_ = old_size;
  }
  if (zombie_) release_zombie();
}

void HubImpl::release_zombie() {
  Fiber* z = zombie_;
  zombie_ = nullptr;
  stacks_.release(Stack{z->stack_, z->stack_size_, GuardKind(z->stack_guard_), z->stack_valgrind_id_});
  z->stack_ = nullptr;
  z->context_ = nullptr;
  z->release();  // the hub's reference
}

[[gnu::always_inline]] inline void HubImpl::switch_out() {
  Fiber* next = nullptr;
  if (ready_head_ && switches_since_poll_ < kPollEvery) {
    next = pop_ready();
    ++switches_since_poll_;
  }
  if (!next) next = hub_fiber_;
  if (next == current_) {
    next->state_ = FiberState::running;
    return;
  }
  switch_to(next);
}

void HubImpl::fiber_entry(ctx::transfer_t t) {
  HubImpl& hub = *tls_hub_;
  hub.after_switch(t.fctx, static_cast<Fiber*>(t.data));
  Fiber* self = hub.current_;
  if (self == hub.hub_fiber_) {
    hub.hub_loop();
  }
  hub.run_fiber(self);
}

void HubImpl::run_fiber(Fiber* f) {
  f->has_run_ = true;
  try {
    f->run_body();
  } catch (...) {
    f->error_ = std::current_exception();
  }
  if (f->error_ && !is_greenlet_exit(f->error_)) report(f, f->error_);
  finish(f);
  zombie_ = f;
  switch_out();
  std::abort();  // a dead fiber is never resumed
}

void HubImpl::finish(Fiber* f) {
  f->state_ = FiberState::dead;
  f->waiting_for_ = {};
  f->on_finished();
  if (f->locals_destroy) f->locals_destroy(f);
  if (f->all_node_.linked()) all_.erase(&f->all_node_);
  f->done_waiters_.notify_all();
  auto links = std::move(f->links_);
  for (auto& link : links) {
    try {
      link();
    } catch (...) {
      report(f, std::current_exception());
    }
  }
}

// --- parking ----------------------------------------------------------------------------------------

void HubImpl::park(WaitFor what) {
  Fiber* self = current_;
  if (self == hub_fiber_) throw Error("blocking call in the hub (a posted callback or timer must not block)");
  if (self->state_ == FiberState::dead)
    throw Error("blocking call in a link callback of greenlet '" + self->name() + "'");
  self->waiting_for_ = what;
  self->state_ = FiberState::parked;
  switch_out();
  self->waiting_for_ = {};
  if (self->interrupt_) std::rethrow_exception(std::exchange(self->interrupt_, nullptr));
}

void HubImpl::on_park_timeout(TimerNode* n) {
  auto* f = static_cast<Fiber*>(n->context);
  if (f->state_ != FiberState::parked) return;
  f->timed_out_ = true;
  current().unpark(f);
}

bool HubImpl::park_until(WaitFor what, TimePoint deadline) {
  if (deadline == TimePoint::max()) {
    park(what);
    return true;
  }
  Fiber* self = current_;
  if (deadline <= now()) return false;
  self->timed_out_ = false;
  TimerNode& timer = self->wake_timer_;
  timer.fire = &HubImpl::on_park_timeout;
  timer.context = self;
  timers_.arm(timer, deadline);
  try {
    park(what);
  } catch (...) {
    timers_.disarm(timer);
    throw;
  }
  timers_.disarm(timer);
  return !self->timed_out_;
}

void HubImpl::unpark(Fiber* f) {
  if (f->state_ != FiberState::parked) return;
  f->state_ = FiberState::ready;
  push_ready(f);
}

void HubImpl::interrupt(Fiber* f, std::exception_ptr ex) {
  switch (f->state_) {
    case FiberState::dead: return;
    case FiberState::running: std::rethrow_exception(ex);
    case FiberState::scheduled: {
      // Never ran, so it never will: it ends here with `ex`, without a stack ever being allocated.
      const bool delayed = f->wake_timer_.armed();
      timers_.disarm(f->wake_timer_);
      f->error_ = ex;
      FiberRef keep(f);
      finish(f);
      if (delayed) f->release();  // not in the run queue, so nobody else drops the hub's reference
      return;
    }
    case FiberState::ready:
      if (!f->interrupt_) f->interrupt_ = ex;
      return;
    case FiberState::parked:
      f->interrupt_ = ex;
      unpark(f);
      return;
  }
}

void HubImpl::yield_now() {
  Fiber* self = current_;
  self->state_ = FiberState::ready;
  push_ready(self);
  switch_out();
  if (self->interrupt_) std::rethrow_exception(std::exchange(self->interrupt_, nullptr));
}

// --- the hub fiber --------------------------------------------------------------------------------

void HubImpl::hub_loop() {
  for (;;) {
    switches_since_poll_ = 0;
    poll(ready_head_ == nullptr);
    if (Fiber* next = pop_ready()) switch_to(next);
  }
}

void HubImpl::poll(bool may_block) {
  sync_hold_ref();
  fire_due_timers();
  if (!may_block || ready_head_) {
    ev_run(loop_, EVRUN_NOWAIT);
    return;
  }
  if (paused_) {
    ev_run(loop_, EVRUN_NOWAIT);
    if (ready_head_) return;
    if (!timers_.empty()) {
      // Every greenlet is blocked: jump to the next deadline instead of waiting for it.
      if (timers_.next_deadline() > paused_now_) paused_now_ = timers_.next_deadline();
      fire_due_timers();
      return;
    }
  } else if (!timers_.empty()) {
    ev_now_update(loop_);
    const double delay = std::chrono::duration<double>(timers_.next_deadline() - now()).count();
    ev_timer_set(&wake_timer_, delay > 0 ? delay : 0.0, 0.0);
    ev_timer_start(loop_, &wake_timer_);
  }
  stacks_.trim();  // about to sleep: a good moment to give idle stacks' pages back
  activity_.polling.store(true, std::memory_order_relaxed);
  const bool active = ev_run(loop_, EVRUN_ONCE) != 0;
  activity_.polling.store(false, std::memory_order_relaxed);
  ev_timer_stop(loop_, &wake_timer_);
  fire_due_timers();
  sync_hold_ref();
  if (!ready_head_ && !active && timers_.empty() && !hold_ref_taken_) deliver_loop_exit();
}

void HubImpl::fire_due_timers() {
  const TimePoint t = now();
  while (TimerNode* n = timers_.pop_due(t)) n->fire(n);
}

void HubImpl::deliver_loop_exit() {
  if (main_->state_ != FiberState::parked) return;
  std::string msg = "this operation would block forever: the main greenlet waits for ";
  msg += main_->waiting_for_.what;
  if (const Fiber* g = main_->waiting_for_.greenlet) msg += " '" + g->name() + "'";
  msg += ", and no greenlet is ready, no timer is pending and no watcher is active";
  if (!all_.empty()) msg += " (" + std::to_string(all_.size()) + " other greenlet(s) blocked)";
  interrupt(main_, std::make_exception_ptr(LoopExit(msg)));
}

void HubImpl::sync_hold_ref() {
  const bool want = holds_.load(std::memory_order_acquire) > 0;
  if (want && !hold_ref_taken_) {
    ev_ref(loop_);
    hold_ref_taken_ = true;
  } else if (!want && hold_ref_taken_) {
    ev_unref(loop_);
    hold_ref_taken_ = false;
  }
}

void HubImpl::unhold() {
  holds_.fetch_sub(1, std::memory_order_release);
  post([] {});  // wake the loop so it re-checks whether anything can still happen
}

void HubImpl::post(std::function<void()> fn) {
  {
    std::lock_guard lock(post_mutex_);
    posted_.push_back(std::move(fn));
  }
  ev_async_send(loop_, &async_);
}

void HubImpl::on_async(struct ev_loop* loop, ev_async*, int) {
  auto* hub = static_cast<HubImpl*>(ev_userdata(loop));
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(hub->post_mutex_);
    batch.swap(hub->posted_);
  }
  for (auto& fn : batch) {
    try {
      fn();
    } catch (...) {
      hub->report(hub->hub_fiber_, std::current_exception());
    }
  }
}

// --- clock ----------------------------------------------------------------------------------------

TimePoint HubImpl::now() const {
  if (paused_) return paused_now_;
  return TimePoint(std::chrono::steady_clock::now().time_since_epoch() + offset_);
}

void HubImpl::pause_clock() {
  if (paused_) return;
  paused_now_ = now();
  paused_ = true;
}

void HubImpl::resume_clock() {
  if (!paused_) return;
  offset_ = paused_now_.time_since_epoch() - std::chrono::steady_clock::now().time_since_epoch();
  paused_ = false;
}

void HubImpl::advance_clock(Duration d) {
  if (!paused_) throw Error("advance the test clock: the clock is not paused (call pause_clock() first)");
  paused_now_ += d;
  fire_due_timers();
}

// --- misc ---------------------------------------------------------------------------------------------

void HubImpl::report(Fiber* f, std::exception_ptr e) {
  if (handler_) {
    handler_(f->name(), e);
    return;
  }
  std::string line = "pinfiber: greenlet '" + f->name() + "' failed with " + exception_description(e) + "\n";
  std::fputs(line.c_str(), stderr);
}

void HubImpl::set_default_stack_size(std::size_t bytes) { default_stack_size_ = bytes; }

const Fiber* HubImpl::overflowing_fiber(const void* addr) const {
  const Fiber* f = current_;
  if (!f || !f->stack_) return nullptr;
  const auto guard = GuardKind(f->stack_guard_);
  if (guard == GuardKind::canary) return nullptr;
  return StackPool::in_guard(Stack{f->stack_, f->stack_size_, guard, 0}, addr) ? f : nullptr;
}

void HubImpl::overflow_abort(const Fiber* f) {
  std::string msg = "pinfiber: stack overflow in greenlet '" + f->name() +
                    "': it used its whole stack; spawn it with a larger SpawnOptions::stack_size\n";
  std::fputs(msg.c_str(), stderr);
  std::abort();
}

void yield_now() { HubImpl::current().yield_now(); }

}  // namespace pinfiber::detail

namespace pinfiber {
void yield() { detail::HubImpl::current().yield_now(); }
}  // namespace pinfiber
