// The hub as a whole: its making and ending, its services, greenlets as a set (kill_all, failure
// reports), and what reaches it from other threads (post, hold). Scheduling is scheduler.cpp; the
// clock is clock.cpp.

#include <unistd.h>
#if defined(PINFIBER_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

#include <cstdlib>
#include <memory>
#include <string>

#include "core/exception_text.hpp"
#include "core/hub_impl.hpp"
#include "core/stack_overflow.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/core/logging.hpp"

namespace pinfiber::detail {

namespace {

// The main greenlet (the thread's own stack) and the hub fiber (which runs hub_loop, entered from
// fiber_entry) have no body of their own.
class BodylessFiber final : public Fiber {
 public:
  explicit BodylessFiber(std::size_t stack) : Fiber(stack) {}

 private:
  void run_body() override {}
};

thread_local std::unique_ptr<HubImpl> tls_hub_owner;

// How long greenlets still alive when their thread ends get to unwind after GreenletExit before they
// are named and abandoned: as long as shutdown() gives them, so a daemon under systemd stops within
// the default TimeoutStopSec (90 s) with room to spare.
constexpr Duration kExitGrace = std::chrono::seconds(5);

}  // namespace

constinit thread_local HubImpl* HubImpl::tls_hub_ = nullptr;

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
  driver_.on_wake([](void* self) { static_cast<HubImpl*>(self)->drain_posted(); }, this);

  main_ = new BodylessFiber(0);
  main_->is_main_ = true;
  main_->state_ = FiberState::running;
  main_->name_ = "main";
  main_->tsan_fiber_ = ctx::tsan_current_fiber();  // the thread's own
  current_ = main_;
  hub_fiber_ = new BodylessFiber(default_stack_size_);
  hub_fiber_->name_ = "hub";
  Stack s = stacks_.acquire(hub_fiber_->stack_size_);
  hub_fiber_->stack_ = s.base;
  hub_fiber_->stack_guard_ = static_cast<std::uint8_t>(s.guard);
  hub_fiber_->stack_valgrind_id_ = s.valgrind_id;
  hub_fiber_->context_ = ctx::make_fcontext(static_cast<char*>(s.base) + s.size, s.size, &HubImpl::fiber_entry);
  hub_fiber_->tsan_fiber_ = ctx::tsan_create_fiber();
  hub_fiber_->state_ = FiberState::ready;

  install_overflow_handler();
  install_interrupt_reporter();
  altstack_ = ensure_alt_stack();
}

HubImpl::~HubImpl() {
  kill_all_on_exit();
  if (zombie_ && zombie_ != current_) release_zombie();
  if (main_->locals_destroy) main_->locals_destroy(main_);
  // Layer state goes after the greenlets that used it and before the event loop.
  while (!services_.empty()) {
    Service s = services_.back();
    services_.pop_back();
    s.destroy(s.object);
  }
  stacks_.release(Stack{hub_fiber_->stack_, hub_fiber_->stack_size_, GuardKind(hub_fiber_->stack_guard_),
                        hub_fiber_->stack_valgrind_id_});
  ctx::tsan_destroy_fiber(hub_fiber_->tsan_fiber_);
  hub_fiber_->release();
  main_->release();
  release_alt_stack(altstack_);
  tls_hub_ = nullptr;
}

// --- greenlets as a set ---------------------------------------------------------------------------

std::vector<FiberRef> HubImpl::greenlets() const {
  std::vector<FiberRef> out;
  out.reserve(all_.size());
  for (ListNode* n = all_.front(); n; n = all_.next_of(n)) out.emplace_back(static_cast<Fiber::OwnedNode*>(n)->owner);
  return out;
}

std::size_t HubImpl::kill_all(Duration timeout) {
  std::vector<FiberRef> live = greenlets();
  std::erase_if(live, [this](const FiberRef& f) { return f.get() == current_; });
  const TimePoint deadline = deadline_after(now(), timeout);
  // Kill them all first, so those still waiting for their first turn end without running, then wait.
  for (auto& f : live) queue_kill(f.get(), std::make_exception_ptr(GreenletExit()));
  try {
    for (auto& f : live) {
      if (!f->dead() && !f->links().wait(deadline, {"a killed greenlet to end (kill_all)", f.get()})) break;
    }
  } catch (const LoopExit&) {
    // One swallowed GreenletExit and blocks forever: it is left behind, and counted below.
  }
  std::size_t alive = 0;
  for (auto& f : live) alive += f->dead() ? 0 : 1;
  return alive;
}

// Greenlets still alive when their thread ends are killed, so their destructors run; those that
// refuse to die (swallow GreenletExit and go on) are named and abandoned: the thread always ends.
void HubImpl::kill_all_on_exit() {
  if (current_ != main_) return;  // thread exit from inside a greenlet: nothing safe to do
  try {
    if (kill_all(kExitGrace) > 0) {
      for (auto& f : greenlets()) {
        detail::report(logging::Level::error,
                       "greenlet '{greenlet}' still runs {grace} after GreenletExit at thread exit: abandoned without "
                       "unwinding",
                       {{"greenlet", f->name()}, {"grace", kExitGrace}});
#if defined(PINFIBER_ASAN)
        // Abandoned means never freed, on purpose: LeakSanitizer is told so, and scans its stack,
        // so that what the straggler still holds is not reported as leaked either.
        __lsan_ignore_object(f.get());
        if (f->stack_) __lsan_register_root_region(f->stack_, f->stack_size_);
#endif
      }
    }
    // Links of the greenlets that just ended run now, while what they use still exists.
    for (int turns = 0; ready_head_ && turns < 10000; ++turns) detail::yield_now();
  } catch (...) {
    // An interrupt for main (a shutdown in flight) changes nothing now.
  }
  while (Runnable* r = pop()) {
    if (r->kind == Runnable::Kind::dead_fiber) static_cast<Fiber*>(r)->release();
    if (r->kind == Runnable::Kind::kill) static_cast<KillRequest*>(r)->victim->release();
  }
}

void HubImpl::report(const Fiber* f, std::exception_ptr e) {
  if (handler_) {
    try {
      handler_(f->name(), e);
    } catch (...) {
      detail::report(logging::Level::error, "the exception handler threw while reporting greenlet '{greenlet}'",
                     {{"greenlet", f->name()}});
    }
    return;
  }
  // Through the log, whose rate limit keeps a flood of identical failures (one per peer reset) short.
  detail::report(logging::Level::error, "greenlet '{greenlet}' failed with {error}",
                 {{"greenlet", f->name()}, {"error", describe_exception(e)}});
}

// --- services ---------------------------------------------------------------------------------------

void* HubImpl::find_service(const void* key) const {
  for (const Service& s : services_) {
    if (s.key == key) return s.object;
  }
  return nullptr;
}

void HubImpl::add_service(const void* key, void* object, void (*destroy)(void*)) {
  services_.push_back({key, object, destroy});
}

// --- other threads ----------------------------------------------------------------------------------

void HubImpl::post(std::function<void()> fn) {
  {
    std::lock_guard lock(post_mutex_);
    posted_.push_back(std::move(fn));
  }
  driver_.wake();
}

void HubImpl::unhold() {
  holds_.fetch_sub(1, std::memory_order_release);
  driver_.wake();  // the hub re-checks whether anything can still happen
}

void HubImpl::drain_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(post_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) {
    try {
      fn();
    } catch (...) {
      report(hub_fiber_, std::current_exception());
    }
  }
}

}  // namespace pinfiber::detail

namespace pinfiber {

using detail::HubImpl;

std::string HubActivity::name_of(std::uint64_t id) const {
  {
    std::lock_guard lock(names_mutex_);
    if (auto it = names_.find(id); it != names_.end()) return it->second;
  }
  return id == 0 ? std::string("main") : "Greenlet-" + std::to_string(id);
}

std::string HubActivity::name_of_running(std::size_t expected_switches) const {
  std::lock_guard lock(names_mutex_);
  const std::uint64_t id = running.load(std::memory_order_acquire);
  if (switches.load(std::memory_order_acquire) != expected_switches) return {};
  if (auto it = names_.find(id); it != names_.end()) return it->second;
  return id == 0 ? std::string("main") : "Greenlet-" + std::to_string(id);
}

Hub& hub() { return HubImpl::current().facade(); }

TimePoint Hub::now() const { return impl_->now(); }
void Hub::pause_clock() { impl_->pause_clock(); }
void Hub::resume_clock() { impl_->resume_clock(); }
bool Hub::clock_paused() const { return impl_->clock_paused(); }
void Hub::advance_clock(Duration d) { impl_->advance_clock(d); }
void Hub::inhibit_auto_advance() { impl_->inhibit_auto_advance(); }
void Hub::allow_auto_advance() { impl_->allow_auto_advance(); }
std::uint64_t Hub::loop_iterations() const { return impl_->driver().iterations(); }
std::size_t Hub::pending_timers() const { return impl_->pending_timers(); }
std::size_t Hub::active_watches() const { return impl_->driver().active_watches(); }
bool Hub::has_ready() const { return impl_->has_ready(); }
void Hub::post(std::function<void()> fn) { impl_->post(std::move(fn)); }
void Hub::hold() { impl_->hold(); }
void Hub::unhold() { impl_->unhold(); }
void Hub::set_exception_handler(ExceptionHandler handler) { impl_->set_exception_handler(std::move(handler)); }
void Hub::set_default_stack_size(std::size_t bytes) {
  impl_->set_default_stack_size(detail::resolve_stack_size(bytes));
}
std::size_t Hub::default_stack_size() const { return impl_->default_stack_size(); }
std::size_t Hub::greenlet_count() const { return impl_->greenlet_count(); }
std::size_t Hub::kill_all(TimeSpan timeout) { return impl_->kill_all(timeout); }
const HubActivity& Hub::activity() const { return impl_->activity(); }
void* Hub::find_service(const void* key) const { return impl_->find_service(key); }
void Hub::add_service(const void* key, void* object, void (*destroy)(void*)) {
  impl_->add_service(key, object, destroy);
}

}  // namespace pinfiber
