// The scheduler: the run queue, switching, parking and waking, kills, and the hub's loop.
//
// Scheduling, in one place:
//  - The run queue holds greenlets and notifiers (runnable.hpp), first-in first-out: spawn, sleep(0),
//    a timer or I/O wake-up, a kill and a notification pass all queue behind what is already there,
//    as gevent's loop.run_callback does.
//  - A greenlet that blocks hands the CPU straight to the next entry (one context switch, no detour
//    through the hub). A notifier at the head runs inline and hands the CPU to the greenlet it wakes;
//    it stays at the head until its pass is over, so the greenlets one pass wakes run back to back,
//    each until it blocks, exactly as gevent's notifier switches into them one after another.
//  - The hub fiber polls I/O and fires timers whenever the run queue is empty, and also after every
//    kPollEvery direct switches, and whenever a greenlet used up its cooperative budget: greenlets
//    that keep yielding, or whose sockets are always ready, cannot starve I/O and timers.
//  - With nothing ready, the hub sleeps in epoll_wait until the earliest timer or I/O; with the test
//    clock paused it jumps to the earliest timer instead, unless real work is outstanding.
//  - With nothing ready, no timer, no live watch, no hold and no outstanding work, nothing can ever
//    wake the main greenlet: it gets LoopExit.

#if defined(PINFIBER_ASAN)
#include <sanitizer/asan_interface.h>
#endif

#include <algorithm>
#include <utility>

#include "core/hub_impl.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/sleep.hpp"

namespace pinfiber::detail {

namespace {

// Operations a greenlet may complete without waiting before it yields through the hub (tokio uses
// 128). 128 echo round trips on loopback take about 0.5 ms on a PC and a few on a Pi Zero: the
// longest another connection, a timer or a GPIO edge waits behind a flooding peer.
constexpr unsigned kCoopBudget = 128;

}  // namespace

// --- the run queue ------------------------------------------------------------------------------

void HubImpl::push_back(Runnable* r) {
  r->next_ready = nullptr;
  r->queued = true;
  if (ready_tail_) {
    ready_tail_->next_ready = r;
  } else {
    ready_head_ = r;
  }
  ready_tail_ = r;
}

void HubImpl::push_front(Runnable* r) {
  r->next_ready = ready_head_;
  r->queued = true;
  ready_head_ = r;
  if (!ready_tail_) ready_tail_ = r;
}

Runnable* HubImpl::pop() {
  Runnable* r = ready_head_;
  if (!r) return nullptr;
  ready_head_ = r->next_ready;
  if (!ready_head_) ready_tail_ = nullptr;
  r->queued = false;
  return r;
}

void HubImpl::enqueue(Runnable* r) {
  if (!r->queued) push_back(r);
}

// A walk: only for the rare entries that leave before their turn (a notifier whose object goes
// away, a ready greenlet a kill reaches first).
void HubImpl::dequeue(Runnable* r) {
  if (!r->queued) return;
  Runnable* prev = nullptr;
  for (Runnable* it = ready_head_; it; prev = it, it = it->next_ready) {
    if (it != r) continue;
    (prev ? prev->next_ready : ready_head_) = it->next_ready;
    if (ready_tail_ == it) ready_tail_ = prev;
    break;
  }
  r->queued = false;
}

void Notifier::schedule() {
  if (!queued) HubImpl::current().enqueue(this);
}

void Notifier::cancel() {
  if (queued) HubImpl::current().dequeue(this);
}

Notifier::~Notifier() {
  if (queued) {
    if (HubImpl* hub = HubImpl::current_or_null()) hub->dequeue(this);
  }
}

// The next greenlet to switch to, off the hot path: a notifier or a kill at the head, a greenlet
// killed before its first turn, an empty queue, or a poll due. May return the caller itself (a
// queued kill of a greenlet that is parking, or a yield with nothing else ready).
Fiber* HubImpl::next_slow() {
  const std::size_t n = switches();
  if (n == poll_at_switch_ && !poll_requested_ && !busy_poll_due()) poll_at_switch_ = n + kPollEvery;
  Fiber* next = n != poll_at_switch_ ? next_to_run() : nullptr;
  // Counted even when it goes to the hub: the hub then sets poll_at_switch_ afresh before any other
  // switch looks at it.
  if (next != current_) count_switch(n);
  return next ? next : hub_fiber_;
}

// kPollEvery switches have passed without a poll: is kPollInterval over too?
bool HubImpl::busy_poll_due() {
  const auto t = std::chrono::steady_clock::now();
  if (t - last_busy_poll_ < kPollInterval) return false;
  last_busy_poll_ = t;
  return true;
}

// The next greenlet to switch to: the head of the queue, after running the notifiers and kills in
// front of it.
Fiber* HubImpl::next_to_run() {
  while (Runnable* r = pop()) {
    switch (r->kind) {
      case Runnable::Kind::fiber: return static_cast<Fiber*>(r);
      case Runnable::Kind::dead_fiber:
        static_cast<Fiber*>(r)->release();  // killed before its first turn: the queue held the hub's reference
        continue;
      case Runnable::Kind::notifier: {
        auto* n = static_cast<Notifier*>(r);
        const bool could_block = !cannot_block_;
        in_notifier_ = cannot_block_ = true;
        Fiber* f = n->step();
        in_notifier_ = false;
        cannot_block_ = !could_block;
        if (f) {
          push_front(n);  // the pass goes on once `f` blocks
          return f;
        }
        continue;
      }
      case Runnable::Kind::kill:
        if (Fiber* f = run_kill(static_cast<KillRequest*>(r))) return f;
        continue;
    }
  }
  return nullptr;
}

// A queued kill reaches its victim: it is thrown at the victim's blocking point now, as gevent's
// `_kill` callback throws into the greenlet.
Fiber* HubImpl::run_kill(KillRequest* k) {
  Fiber* f = k->victim;
  std::exception_ptr ex = std::exchange(k->error, nullptr);
  Fiber* run = nullptr;
  switch (f->state_) {
    case FiberState::parked:
      f->interrupt_ = std::move(ex);
      f->state_ = FiberState::ready;
      run = f;
      break;
    case FiberState::ready:
      // Scheduled to resume after the kill was queued: the kill comes first, as in gevent.
      dequeue(f);
      f->interrupt_ = std::move(ex);
      run = f;
      break;
    case FiberState::running:  // the caller itself (a greenlet that killed itself without blocking)
      if (!f->interrupt_) f->interrupt_ = std::move(ex);
      break;
    case FiberState::created:
    case FiberState::scheduled:
    case FiberState::dead: break;
  }
  f->release();  // the reference queue_kill took
  return run;
}

// --- switching ----------------------------------------------------------------------------------

// Inlined into its callers: every call level between a greenlet and the jump is one more return
// the CPU mispredicts after the switch, and yield is the hot path.
[[gnu::always_inline]] inline void HubImpl::switch_to(Fiber* next) {
  Fiber* prev = current_;
  if (has_canary(prev)) [[unlikely]]
    check_canary(prev);
  before_switch(prev, next);
  after_switch(ctx::jump(next->context_, prev));
}

// Everything a switch does before the jump.
[[gnu::always_inline]] inline void HubImpl::before_switch(Fiber* prev, Fiber* next) {
  current_ = next;
  next->state_ = FiberState::running;
  budget_ = kCoopBudget;
  activity_.running.store(next->id_, std::memory_order_relaxed);
  ctx::swap_eh(eh_globals_, prev->eh_, next->eh_);
#if defined(PINFIBER_ASAN)
  const bool prev_dying = prev->state_ == FiberState::dead;
  const void* bottom = next->stack_ ? next->stack_ : next->asan_stack_bottom_;
  const std::size_t size = next->stack_ ? next->stack_size_ : next->asan_stack_size_;
  ctx::asan_start_switch(prev_dying ? nullptr : &prev->asan_fake_stack_, bottom, size);
#endif
  ctx::tsan_switch_to(next->tsan_fiber_);
}

// Back on this fiber's stack: records how the one that switched here was left. Static, reading the
// hub from TLS if at all: yield's second half calls it with nothing else at hand.
[[gnu::always_inline]] inline void HubImpl::after_switch(ctx::transfer_t t) {
  static_cast<Fiber*>(t.data)->context_ = t.fctx;
#if defined(PINFIBER_ASAN)
  // Only ASan needs the main greenlet's stack bounds (to switch back to it); without ASan this
  // bookkeeping would be two stores and a branch on every switch.
  auto* from = static_cast<Fiber*>(t.data);
  const void* old_bottom = nullptr;
  std::size_t old_size = 0;
  ctx::asan_finish_switch(tls_hub_->current_->asan_fake_stack_, &old_bottom, &old_size);
  if (from->is_main_) {
    from->asan_stack_bottom_ = old_bottom;
    from->asan_stack_size_ = old_size;
  }
#endif
}

// Out of line, so that the switch paths keep no exception_ptr temporary on their frames.
void HubImpl::throw_interrupt(Fiber* self) { std::rethrow_exception(std::exchange(self->interrupt_, nullptr)); }

// Out of line, so that the switch keeps no Stack temporary on its frame.
void HubImpl::check_canary(Fiber* f) {
  if (f->stack_ && !StackPool::canary_intact(Stack{f->stack_, f->stack_size_, GuardKind::canary, 0})) overflow_abort(f);
}

void HubImpl::release_zombie() { stacks_.release(retire_zombie()); }

// The greenlet that ended last lets go of everything; its stack is returned to the caller.
Stack HubImpl::retire_zombie() {
  Fiber* z = std::exchange(zombie_, nullptr);
  // Its name is forgotten only now, after its last switch: the monitor thread, which may have caught
  // it finishing while it held the hub, still finds it (HubActivity::name_of_running).
  if (!z->name_.empty()) {
    std::lock_guard lock(activity_.names_mutex_);
    activity_.names_.erase(z->id_);
  }
  const Stack s{z->stack_, z->stack_size_, GuardKind(z->stack_guard_), z->stack_valgrind_id_};
  z->stack_ = nullptr;
  z->context_ = nullptr;
  ctx::tsan_destroy_fiber(std::exchange(z->tsan_fiber_, nullptr));
  z->release();  // the hub's reference
  return s;
}

// Hands the CPU to the next entry of the run queue. The common case - the head is a greenlet ready
// to resume and no poll is due - is taken here without a call; the rest is next_slow()'s.
[[gnu::always_inline]] inline void HubImpl::switch_out() {
  Fiber* next = next_to_switch_to();
  if (next == current_) {
    next->state_ = FiberState::running;
    return;
  }
  switch_to(next);
}

// The greenlet to hand the CPU to, counted as a switch (or the caller itself, see next_slow()).
[[gnu::always_inline]] inline Fiber* HubImpl::next_to_switch_to() {
  Runnable* r = ready_head_;
  const std::size_t n = switches();
  if (n != poll_at_switch_ && r && r->kind == Runnable::Kind::fiber) [[likely]] {
    count_switch(n);
    ready_head_ = r->next_ready;
    if (!ready_head_) ready_tail_ = nullptr;
    r->queued = false;
    return static_cast<Fiber*>(r);  // never the caller: it is not in the queue, or behind `r`
  }
  return next_slow();
}

void HubImpl::fiber_entry(ctx::transfer_t t) {
  after_switch(t);
  HubImpl& hub = *tls_hub_;
  Fiber* self = hub.current_;
  if (self == hub.hub_fiber_) {
    hub.cannot_block_ = true;
    hub.hub_loop();
  }
  hub.run_fiber(self);
}

void HubImpl::run_fiber(Fiber* f) {
  f->has_run_ = true;
  std::exception_ptr ended;
  try {
    f->run_body();
  } catch (...) {
    ended = std::current_exception();
  }
  finish(f, std::move(ended));
  if (zombie_) release_zombie();  // the one before: we are not on its stack
  zombie_ = f;
  switch_out();
  std::abort();  // a dead fiber is never resumed
}

// --- greenlets coming and going ------------------------------------------------------------------

void HubImpl::adopt(Fiber* f) {
  // The stack is taken now, so that running out of memory is an error from spawn() in the spawning
  // greenlet, never a failure at some later switch in an unrelated one. The greenlet that ended last
  // hands over its stack if it has the size - still in the cache, and without a trip through the
  // pool - or gives it back first. (Not while its own last switch runs a link callback that spawns:
  // that runs on the very stack.)
  Stack s;
  if (zombie_ && zombie_ != current_ && zombie_->stack_size_ == f->stack_size_) {
    s = retire_zombie();
    StackPool::reuse(s);
  } else {
    if (zombie_ && zombie_ != current_) release_zombie();
    s = stacks_.acquire(f->stack_size_);
  }
#if defined(PINFIBER_ASAN)
  // A pooled stack still carries the shadow of the frames its last greenlet died in (a greenlet's
  // last switch never returns, so ASan never unpoisoned them): cleared here, or the new greenlet's
  // first frames would overlap stale redzones.
  __asan_unpoison_memory_region(s.base, s.size);
#endif
  f->stack_ = s.base;
  f->stack_guard_ = static_cast<std::uint8_t>(s.guard);
  f->stack_valgrind_id_ = s.valgrind_id;
  f->context_ = ctx::make_fcontext(static_cast<char*>(s.base) + s.size, s.size, &HubImpl::fiber_entry);
  f->tsan_fiber_ = ctx::tsan_create_fiber();
  f->id_ = next_id();
  f->state_ = FiberState::created;
  all_.push_back(&f->all_node_);
  if (!f->name_.empty()) name_changed(f);
}

void HubImpl::start(Fiber* f) {
  f->state_ = FiberState::scheduled;
  push_back(f);
}

void HubImpl::on_delayed_start(TimerNode* n) {
  auto* f = static_cast<Fiber*>(n->context);
  current().push_back(f);
}

void HubImpl::start_later(Fiber* f, Duration delay) {
  f->state_ = FiberState::scheduled;
  f->wake_timer_.fire = &HubImpl::on_delayed_start;
  f->wake_timer_.context = f;
  timers_.arm(f->wake_timer_, deadline_after(now(), delay));
}

Fiber* HubImpl::start_now(Fiber* f) {
  f->state_ = FiberState::ready;
  return f;
}

void HubImpl::finish(Fiber* f, std::exception_ptr ended_with) {
  f->state_ = FiberState::dead;
  f->waiting_for_ = {};
  if (ended_with && is_greenlet_exit(ended_with)) {
    f->killed_ = true;  // a kill is a normal end: successful(), no error, not reported
  } else if (ended_with) {
    f->error_ = ended_with;
  }
  f->on_finished();
  if (f->locals_destroy) f->locals_destroy(f);
  if (f->all_node_.linked()) all_.erase(&f->all_node_);
  // Links and joiners are served later, by a pass queued behind what is already scheduled.
  f->links_.check_and_notify();
  if (f->error_) report(f, f->error_);
}

void HubImpl::name_changed(const Fiber* f) {
  if (f->id_ == 0 && !f->is_main_) return;  // not adopted yet: adopt() records it
  std::lock_guard lock(activity_.names_mutex_);
  activity_.names_[f->id_] = f->name_;
}

// --- parking --------------------------------------------------------------------------------------

void HubImpl::on_park_timeout(TimerNode* n) {
  auto* f = static_cast<Fiber*>(n->context);
  if (f->state_ != FiberState::parked) return;
  f->timed_out_ = true;
  current().wake(f);
}

void HubImpl::refuse_to_block() const {
  if (in_notifier_)
    throw Error("blocking call in a rawlink callback (it runs in the hub's links pass and must not block)");
  throw Error("blocking call in the hub (a posted function or a callback must not block)");
}

// The first half of park_until(), for every blocking call: parks the caller and picks the next
// greenlet (the head of the run queue, a notifier's pick, or the hub), then jumps to it by a tail
// call, so that the caller resumes in its own caller's code (see yield_now() in park.hpp).
[[gnu::always_inline]] inline Resumption HubImpl::park_switch(WaitFor what, TimePoint deadline) {
  HubImpl& hub = current();
  Fiber* self = hub.current_;
  if (hub.cannot_block_) [[unlikely]]
    hub.refuse_to_block();
  self->timed_out_ = false;
  if (deadline != TimePoint::max()) hub.arm_park_timer(self, deadline);
  self->state_ = FiberState::parked;
  self->waiting_for_ = what;
  // Whatever comes next - the head of the queue, a notifier's pick, the hub - the jump is the tail
  // call: the frame the calls above needed is gone by then.
  Fiber* next = hub.next_to_switch_to();
  if (next == self) [[unlikely]]  // a kill queued for the caller came first: it runs on
    return stay_running(self);
  if (has_canary(self)) [[unlikely]]
    hub.check_canary(self);
  hub.before_switch(self, next);
  return ctx::jump_resuming(next->context_, self);
}

// Out of line, so that both of park_switch()'s ends are calls: a constant returned beside the jump
// made GCC store the jump's result instead of tail-calling it.
Resumption HubImpl::stay_running(Fiber* self) {
  self->state_ = FiberState::running;
  return {nullptr, nullptr};
}

void HubImpl::arm_park_timer(Fiber* self, TimePoint deadline) {
  TimerNode& timer = self->wake_timer_;
  timer.fire = &HubImpl::on_park_timeout;
  timer.context = self;
  timers_.arm(timer, deadline);
}

// What both second halves (park_resumed(), resumed_after_yield()) begin with: records how the
// greenlet that switched here was left - unless the first half switched and came back itself
// (null `from`) - and returns the greenlet now running, the caller.
[[gnu::always_inline]] inline Fiber* HubImpl::resumed(Resumption r) {
  if (r.from) [[likely]]
    after_switch(ctx::transfer_t{r.context, r.from});
  return tls_hub_->current_;
}

// The second half: true if woken, false if the deadline passed.
[[gnu::always_inline]] inline bool HubImpl::park_resumed(Resumption r) {
  Fiber* self = resumed(r);
  self->waiting_for_ = {};
  if (self->wake_timer_.armed()) tls_hub_->timers_.disarm(self->wake_timer_);
  if (self->interrupt_) [[unlikely]]
    throw_interrupt(self);
  return !self->timed_out_;
}

void HubImpl::wake(Fiber* f) {
  if (f->state_ != FiberState::parked) return;
  f->state_ = FiberState::ready;
  push_back(f);
}

Fiber* HubImpl::resume_now(Fiber* f) {
  if (f->state_ != FiberState::parked) return nullptr;
  f->state_ = FiberState::ready;
  return f;
}

void HubImpl::interrupt(Fiber* f, std::exception_ptr ex) {
  switch (f->state_) {
    case FiberState::dead: return;
    case FiberState::running: std::rethrow_exception(ex);
    case FiberState::created:
    case FiberState::scheduled: {
      // Never ran, so it never will: it ends here with `ex`; its stack goes back to the pool.
      FiberRef keep(f);
      timers_.disarm(f->wake_timer_);
      stacks_.release(Stack{f->stack_, f->stack_size_, GuardKind(f->stack_guard_), f->stack_valgrind_id_});
      f->stack_ = nullptr;
      f->context_ = nullptr;
      ctx::tsan_destroy_fiber(std::exchange(f->tsan_fiber_, nullptr));
      finish(f, std::move(ex));
      // The run queue holds the hub's reference while the fiber is in it: next_to_run drops it,
      // told by the kind, so that the switch's fast path needs no test for a dead greenlet.
      if (f->queued) {
        f->kind = Runnable::Kind::dead_fiber;
      } else {
        f->release();
      }
      return;
    }
    case FiberState::ready:
      if (!f->interrupt_) f->interrupt_ = std::move(ex);
      return;
    case FiberState::parked:
      f->interrupt_ = std::move(ex);
      wake(f);
      return;
  }
}

void HubImpl::queue_kill(Fiber* f, std::exception_ptr ex) {
  if (f->state_ == FiberState::dead) return;
  if (f->state_ == FiberState::created || f->state_ == FiberState::scheduled) {
    interrupt(f, std::move(ex));
    return;
  }
  if (f->kill_.queued) return;  // a kill is on its way already: the first one decides
  f->kill_.error = std::move(ex);
  f->add_ref();
  push_back(&f->kill_);
}

// The first half of pinfiber::yield(), the hot path: the head of the run queue is a greenlet and no
// poll is due. It calls nothing but the jump (the rest is yield_slow()'s), and the jump is its tail
// call: the greenlet resumes straight in its caller's code with what the jump returns, which the
// second half records (see yield_now() in park.hpp for why).
[[gnu::always_inline]] inline Resumption HubImpl::yield_switch() {
  HubImpl* hub = tls_hub_;
  Runnable* head = hub ? hub->ready_head_ : nullptr;
  if (!head) [[unlikely]] {
    return yield_slow();
  }
  const std::size_t n = hub->switches();
  Fiber* self = hub->current_;
  if (hub->cannot_block_ || n == hub->poll_at_switch_ || head->kind != Runnable::Kind::fiber || has_canary(self))
      [[unlikely]] {
    return yield_slow();
  }
  hub->count_switch(n);
  // The caller joins the queue at the back, then the head leaves it: the queue is never empty in
  // between, so neither step tests for an empty one.
  self->state_ = FiberState::ready;
  self->next_ready = nullptr;
  self->queued = true;
  hub->ready_tail_->next_ready = self;
  hub->ready_tail_ = self;
  hub->ready_head_ = head->next_ready;
  head->queued = false;
  auto* next = static_cast<Fiber*>(head);
  hub->before_switch(self, next);
  return ctx::jump_resuming(next->context_, self);
}

// The second half.
[[gnu::always_inline]] inline void HubImpl::resumed_after_yield(Resumption r) {
  Fiber* self = resumed(r);
  if (self->interrupt_) [[unlikely]]
    throw_interrupt(self);
}

// Returns a null Resumption: it switched and came back itself.
Resumption HubImpl::yield_slow() {
  HubImpl& hub = current();
  Fiber* self = hub.current_;
  if (hub.cannot_block_) [[unlikely]]
    hub.refuse_to_block();
  // With nothing else ready it still passes through the hub fiber, which polls I/O and fires due
  // timers before it resumes the caller, as gevent's sleep(0) runs the loop once: a greenlet that
  // polls a flag with sleep(0) sees what a timer or a ready fd sets. (The caller, at the head of the
  // queue then, must not take switch_out()'s fast path, which is for someone else.)
  if (!hub.ready_head_) hub.request_poll();
  self->state_ = FiberState::ready;
  hub.push_back(self);
  hub.switch_out();
  if (self->interrupt_) [[unlikely]]
    throw_interrupt(self);
  return {nullptr, nullptr};
}

void HubImpl::cooperate() {
  if (--budget_ != 0) return;
  // Out of budget: to the hub, which polls I/O and fires timers first and only then queues this
  // greenlet again - behind whatever the poll woke, so a flood waits its turn like anyone else.
  Fiber* self = current_;
  self->state_ = FiberState::ready;
  deferred_ = self;
  request_poll();
  switch_out();
  if (self->interrupt_) [[unlikely]]
    throw_interrupt(self);
}

void HubImpl::wait_idle() {
  Fiber* self = current_;
  idle_waiters_.push_back(self);
  struct Leave {
    std::vector<Fiber*>& waiters;
    Fiber* self;
    ~Leave() { std::erase(waiters, self); }
  } leave{idle_waiters_, self};
  wait_until({"idle()"}, TimePoint::max(),
             [&] { return std::find(idle_waiters_.begin(), idle_waiters_.end(), self) == idle_waiters_.end(); });
}

// --- the hub fiber --------------------------------------------------------------------------------

void HubImpl::hub_loop() {
  for (;;) {
    if (zombie_) release_zombie();
    poll_at_switch_ = switches() + kPollEvery;
    poll_requested_ = false;
    poll(ready_head_ == nullptr && deferred_ == nullptr);
    if (deferred_) push_back(std::exchange(deferred_, nullptr));
    if (Fiber* next = next_to_run()) {
      // The hub fiber may not block; the greenlets it switches to may (and switch among themselves
      // without it), so the flag changes here rather than on every switch.
      cannot_block_ = false;
      count_switch(switches());
      switch_to(next);
      cannot_block_ = true;
    }
  }
}

void HubImpl::poll(bool may_block) {
  driver_.set_held(holds_.load(std::memory_order_acquire) > 0);
  if (!may_block) {
    driver_.poll(false, Driver::RealTime::max());
    fire_due_timers();
    return;
  }
  if (!idle_waiters_.empty()) {
    // Nothing else to run: idle() returns now, before the hub would sleep (libev's idle watchers).
    driver_.poll(false, Driver::RealTime::max());
    fire_due_timers();
    if (ready_head_) return;
    for (Fiber* f : std::exchange(idle_waiters_, {})) wake(f);
    return;
  }
  if (paused_ && inhibitors_ == 0) {
    driver_.poll(false, Driver::RealTime::max());
    fire_due_timers();
    // A callback of that poll may have started real work (a foreign library that sent bytes to a
    // socket of this hub, which the poll had already looked at): then the jump waits for it too.
    if (ready_head_ || inhibitors_ > 0) return;
    // Bytes a test fed into an fd may still be on their way through the kernel: ask for them first.
    if (driver_.check_before_clock_jump() && ready_head_) return;
    if (!timers_.empty()) {
      // Every greenlet is blocked and no real work is outstanding: jump to the next deadline.
      if (timers_.next_deadline() > paused_now_) paused_now_ = timers_.next_deadline();
      fire_due_timers();
      return;
    }
  }
  auto wake_at = Driver::RealTime::max();
  if (!paused_ && !timers_.empty()) {
    wake_at = Driver::RealTime(
        std::chrono::duration_cast<Driver::RealTime::duration>(timers_.next_deadline().time_since_epoch() - offset_));
  }
  stacks_.trim();  // about to sleep: a good moment to give idle stacks' pages back
  activity_.polling.store(true, std::memory_order_relaxed);
  const bool alive = driver_.poll(true, wake_at);
  activity_.polling.store(false, std::memory_order_relaxed);
  fire_due_timers();
  const bool held = holds_.load(std::memory_order_acquire) > 0;
  driver_.set_held(held);
  if (!ready_head_ && !alive && timers_.empty() && !held && inhibitors_ == 0) deliver_loop_exit();
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

// --- the calls of park.hpp, for every layer ---------------------------------------------------------

void arm_timer(TimerNode& node, TimePoint deadline) { HubImpl::current().arm(node, deadline); }
void disarm_timer(TimerNode& node) {
  if (node.armed()) HubImpl::current().disarm(node);
}

Fiber* current_fiber() { return HubImpl::current().current_fiber(); }
Resumption park_switch(WaitFor what, TimePoint deadline) { return HubImpl::park_switch(what, deadline); }
bool park_resumed(Resumption r) { return HubImpl::park_resumed(r); }
void wake(Fiber* f) { HubImpl::current().wake(f); }
Fiber* resume_now(Fiber* f) { return HubImpl::current().resume_now(f); }
void interrupt(Fiber* f, std::exception_ptr ex) { HubImpl::current().interrupt(f, std::move(ex)); }
void queue_kill(Fiber* f, std::exception_ptr ex) { HubImpl::current().queue_kill(f, std::move(ex)); }
Resumption yield_switch() { return HubImpl::yield_switch(); }
void resumed_after_yield(Resumption r) { HubImpl::resumed_after_yield(r); }

void cooperate() { HubImpl::current().cooperate(); }
std::uint64_t unique_id() { return HubImpl::current().next_id(); }

}  // namespace pinfiber::detail
