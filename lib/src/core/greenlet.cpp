#include "pinfiber/core/greenlet.hpp"

#include <algorithm>

#include "core/hub_impl.hpp"
#include "core/stack_pool.hpp"
#include "pinfiber/core/timeout.hpp"

namespace pinfiber {

namespace detail {

std::size_t resolve_stack_size(std::size_t requested) {
  if (requested == 0) return HubImpl::current().default_stack_size();
  const std::size_t page = StackPool::page_size();
  // Below 8 KiB not even the switch machinery and a printf fit.
  requested = std::max<std::size_t>(requested, 8 * 1024);
  return (requested + page - 1) / page * page;
}

Fiber* schedule(Fiber* f, const SpawnOptions& options) {
  if (!options.name.empty()) f->set_name(options.name);
  HubImpl::current().schedule(f);
  return f;
}

Fiber* schedule_later(Fiber* f, Duration delay, const SpawnOptions& options) {
  if (!options.name.empty()) f->set_name(options.name);
  HubImpl::current().schedule_later(f, delay);
  return f;
}

}  // namespace detail

bool GreenletBase::join(Duration timeout) const {
  detail::Fiber* f = f_.get();
  if (f->dead()) return true;
  if (f == detail::current_fiber()) throw Error("join greenlet '" + f->name() + "': a greenlet cannot join itself");
  const TimePoint deadline = deadline_after(Clock::now(), timeout);
  while (!f->dead()) {
    if (!f->done_waiters().wait({"join of greenlet", f}, deadline)) break;
  }
  return f->dead();
}

void GreenletBase::wait_ready(Duration timeout) const {
  if (!join(timeout)) throw Timeout::expired(timeout);
}

void GreenletBase::kill(bool block, Duration timeout) const {
  kill(std::make_exception_ptr(GreenletExit()), block, timeout);
}

void GreenletBase::kill(std::exception_ptr ex, bool block, Duration timeout) const {
  detail::Fiber* f = f_.get();
  if (f->dead()) return;
  detail::interrupt(f, std::move(ex));
  if (block) join(timeout);
}

void GreenletBase::link(std::function<void(const GreenletBase&)> fn) const {
  // The callback keeps only a raw pointer: a handle inside the fiber's own link list would keep the
  // fiber alive forever.
  detail::Fiber* f = f_.get();
  f->add_link([f, fn = std::move(fn)] { fn(GreenletBase(f)); });
}

void GreenletBase::link_value(std::function<void(const GreenletBase&)> fn) const {
  link([fn = std::move(fn)](const GreenletBase& g) {
    if (g.successful()) fn(g);
  });
}

void GreenletBase::link_exception(std::function<void(const GreenletBase&)> fn) const {
  link([fn = std::move(fn)](const GreenletBase& g) {
    if (!g.successful()) fn(g);
  });
}

bool is_greenlet_exit(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const GreenletExit&) {
    return true;
  } catch (...) {
    return false;
  }
}

GreenletBase getcurrent() { return GreenletBase(detail::current_fiber()); }

GreenletBase main_greenlet() { return GreenletBase(detail::HubImpl::current().main_fiber()); }

namespace {

// One waiter per greenlet, all waking the same joiner, which learns who finished in what order.
struct JoinState {
  detail::Fiber* joiner;
  std::vector<detail::Fiber*> finished;
};
struct JoinWaiter : detail::Waiter {
  JoinState* state = nullptr;
  detail::Fiber* target = nullptr;
  static void on_done(detail::Waiter* w) {
    auto* jw = static_cast<JoinWaiter*>(w);
    jw->state->finished.push_back(jw->target);
    detail::unpark(jw->state->joiner);
  }
};

bool failed_with_error(const detail::Fiber* f) { return f->error() && !is_greenlet_exit(f->error()); }

}  // namespace

std::vector<GreenletBase> joinall(std::span<const GreenletBase> greenlets, Duration timeout, bool raise_error) {
  std::vector<GreenletBase> done;
  JoinState state{detail::current_fiber(), {}};
  std::vector<JoinWaiter> waiters(greenlets.size());
  std::size_t pending = 0;
  const detail::Fiber* first_pending = nullptr;
  for (std::size_t i = 0; i < greenlets.size(); ++i) {
    detail::Fiber* f = greenlets[i].fiber();
    if (f->dead()) {
      if (raise_error && failed_with_error(f)) std::rethrow_exception(f->error());
      done.push_back(greenlets[i]);
      continue;
    }
    if (f == state.joiner) throw Error("joinall: greenlet '" + f->name() + "' cannot join itself");
    waiters[i].wake = &JoinWaiter::on_done;
    waiters[i].state = &state;
    waiters[i].target = f;
    f->done_waiters().add(waiters[i]);
    if (!first_pending) first_pending = f;
    ++pending;
  }
  struct Unregister {
    std::span<const GreenletBase> greenlets;
    std::vector<JoinWaiter>& waiters;
    ~Unregister() {
      for (std::size_t i = 0; i < waiters.size(); ++i) {
        if (waiters[i].linked()) greenlets[i].fiber()->done_waiters().remove(waiters[i]);
      }
    }
  } unregister{greenlets, waiters};

  const TimePoint deadline = deadline_after(Clock::now(), timeout);
  std::size_t seen = 0;
  while (pending > 0) {
    if (state.finished.size() == seen) {
      if (!detail::park_until({"joinall of greenlets, first", first_pending}, deadline)) break;
    }
    for (; seen < state.finished.size(); ++seen) {
      detail::Fiber* f = state.finished[seen];
      --pending;
      if (raise_error && failed_with_error(f)) std::rethrow_exception(f->error());
      done.push_back(GreenletBase(f));
    }
    for (std::size_t i = 0; i < waiters.size() && first_pending && first_pending->dead(); ++i) {
      if (waiters[i].linked()) first_pending = waiters[i].target;
    }
  }
  return done;
}

void killall(std::span<const GreenletBase> greenlets, bool block, Duration timeout) {
  for (const auto& g : greenlets) g.kill(false);
  if (block) joinall(greenlets, timeout);
}

}  // namespace pinfiber
