#include "pinfiber/core/greenlet.hpp"

#include <algorithm>
#include <cerrno>
#include <new>
#include <system_error>

#include "core/hub_impl.hpp"
#include "core/stack_pool.hpp"
#include "pinfiber/core/detail/multi_wait.hpp"

namespace pinfiber {

namespace detail {

std::size_t resolve_stack_size(std::size_t requested) {
  if (requested == 0) return HubImpl::current().default_stack_size();
  const std::size_t page = StackPool::page_size();
  // Below 8 KiB not even the switch machinery and a printf fit.
  requested = std::max<std::size_t>(requested, 8 * 1024);
  return (requested + page - 1) / page * page;
}

Fiber* adopt(Fiber* f, const SpawnOptions& options) {
  try {
    if (!options.name.empty()) f->set_name(options.name);
    HubImpl::current().adopt(f);
  } catch (const std::system_error& e) {
    const std::string who = f->name_cstr() ? "'" + std::string(f->name_cstr()) + "'" : std::string("a greenlet");
    f->release();
    throw Error(e.code(), "spawn " + who + ": " + e.what());
  } catch (const std::bad_alloc&) {
    f->release();
    no_memory_to_spawn();
  }
  return f;
}

// Where the heap runs out before the stacks do (a 32-bit process, whose heap and stacks share 3 GiB),
// spawn() says so as it says a stack is missing: an Error in the spawning greenlet, not a
// std::bad_alloc that a caller catching pinfiber::Error would let through.
void no_memory_to_spawn() { throw Error(ENOMEM, "spawn a greenlet: allocate its state", "no memory left for it"); }

void start(Fiber* f) { HubImpl::current().start(f); }
void start_later(Fiber* f, Duration delay) { HubImpl::current().start_later(f, delay); }

namespace {

// A link() callback: run by the links pass in a greenlet of its own (gevent's SpawnedLink), or
// inline for the library's own bookkeeping.
struct CallbackLink : Link {
  enum class When : std::uint8_t { always, on_success, on_failure, inline_always };
  CallbackLink(std::function<void(const GreenletBase&)> f, When w, std::uint64_t i)
      : Link(&CallbackLink::fire_link), fn(std::move(f)), when(w), id(i) {}

  static Fiber* fire_link(Link* self, Linkable& source) {
    std::unique_ptr<CallbackLink> link(static_cast<CallbackLink*>(self));
    Fiber* dead = static_cast<FiberLinks&>(source).owner();
    const bool failed = static_cast<bool>(dead->error());
    if ((link->when == When::on_success && failed) || (link->when == When::on_failure && !failed)) return nullptr;
    if (link->when == When::inline_always) {
      try {
        link->fn(GreenletBase(dead));
      } catch (...) {
        HubImpl::current().report(dead, std::current_exception());
      }
      return nullptr;
    }
    // The callback gets a greenlet of its own, which runs now, before the rest of the pass.
    auto body = [fn = std::move(link->fn), g = GreenletBase(dead)] { fn(g); };
    Fiber* runner;
    try {
      runner = make_fiber(SpawnOptions{.name = "link of " + dead->name()}, std::move(body));
    } catch (...) {
      // No stack for it: the link cannot run. Say so; the pass and the program go on.
      HubImpl::current().report(dead, std::current_exception());
      return nullptr;
    }
    return HubImpl::current().start_now(runner);
  }

  std::function<void(const GreenletBase&)> fn;
  When when;
  std::uint64_t id;
};

LinkId add_link(Fiber* f, std::function<void(const GreenletBase&)> fn, CallbackLink::When when) {
  auto* link = new CallbackLink(std::move(fn), when, unique_id());
  f->links().rawlink(*link);
  return LinkId{link->id};
}

}  // namespace

}  // namespace detail

void GreenletBase::start() const {
  if (f_->state() != detail::FiberState::created)
    throw Error("start greenlet '" + name() + "': it was started already");
  detail::start(f_.get());
}

void GreenletBase::start_later(TimeSpan delay) const {
  if (f_->state() != detail::FiberState::created)
    throw Error("start greenlet '" + name() + "': it was started already");
  detail::start_later(f_.get(), delay);
}

void GreenletBase::refuse_to_join_itself() const {
  throw Error("join greenlet '" + f_->name() + "': a greenlet cannot join itself");
}

void GreenletBase::wait_ready(Duration timeout, const char* action) const {
  if (join(timeout)) return;
  char buf[48];
  std::snprintf(buf, sizeof buf, "after %.3f s", std::chrono::duration<double>(timeout).count());
  throw TimeoutError(std::string(action) + " greenlet '" + name() + "'", buf);
}

void GreenletBase::throw_killed(const char* action) const {
  throw GreenletKilled(std::string(action) + " greenlet '" + name() +
                       "': it was killed (GreenletExit) before it returned a value");
}

void GreenletBase::kill(bool block, TimeSpan timeout) const {
  kill(std::make_exception_ptr(GreenletExit()), block, timeout);
}

void GreenletBase::kill(std::exception_ptr ex, bool block, TimeSpan timeout) const {
  detail::Fiber* f = f_.get();
  if (f->dead()) return;
  detail::queue_kill(f, std::move(ex));
  if (!block || f->dead()) return;
  if (f == detail::current_fiber()) {
    // Killing itself and waiting: the kill reaches it at this blocking point.
    detail::park_until({"its own kill"}, TimePoint::max());
    return;
  }
  // gevent's kill: the killer resumes right after the kill's turn - once the victim has run to its
  // end or its next blocking point - not after the victim's links, which run later. Its place in the
  // run queue is right behind the kill it just queued.
  detail::yield_now();
  if (!f->dead()) join(timeout);
}

LinkId GreenletBase::link(std::function<void(const GreenletBase&)> fn) const {
  return detail::add_link(f_.get(), std::move(fn), detail::CallbackLink::When::always);
}

LinkId GreenletBase::link_value(std::function<void(const GreenletBase&)> fn) const {
  return detail::add_link(f_.get(), std::move(fn), detail::CallbackLink::When::on_success);
}

LinkId GreenletBase::link_exception(std::function<void(const GreenletBase&)> fn) const {
  return detail::add_link(f_.get(), std::move(fn), detail::CallbackLink::When::on_failure);
}

LinkId GreenletBase::rawlink(std::function<void(const GreenletBase&)> fn) const {
  return detail::add_link(f_.get(), std::move(fn), detail::CallbackLink::When::inline_always);
}

void GreenletBase::unlink(LinkId id) const {
  if (auto* link = f_->links().find_link([id](const detail::Link& l) {
        return l.fire == &detail::CallbackLink::fire_link &&
               static_cast<const detail::CallbackLink&>(l).id == static_cast<std::uint64_t>(id);
      })) {
    f_->links().unlink(*link);
    delete static_cast<detail::CallbackLink*>(link);
  }
}

GreenletBase getcurrent() { return GreenletBase(detail::current_fiber()); }

std::vector<GreenletBase> all_greenlets() {
  std::vector<GreenletBase> out;
  for (auto& f : detail::HubImpl::current().greenlets()) out.emplace_back(f.get());
  return out;
}

GreenletBase main_greenlet() { return GreenletBase(detail::HubImpl::current().main_fiber()); }

std::vector<GreenletBase> joinall(std::span<const GreenletBase> greenlets, TimeSpan timeout, bool raise_error,
                                  std::size_t count) {
  std::vector<detail::Linkable*> objects;
  objects.reserve(greenlets.size());
  const detail::Fiber* self = detail::current_fiber();
  for (const auto& g : greenlets) {
    if (g.fiber() == self) throw Error("joinall: greenlet '" + g.name() + "' cannot join itself");
    objects.push_back(&g.fiber()->links());
  }
  detail::MultiWait wait(std::move(objects), deadline_in(timeout), count);
  std::vector<GreenletBase> done;
  while (auto i = wait.next({"joinall of greenlets"})) {
    const GreenletBase& g = greenlets[*i];
    if (raise_error && g.exception()) std::rethrow_exception(g.exception());
    done.push_back(g);
  }
  return done;
}

void killall(std::span<const GreenletBase> greenlets, bool block, TimeSpan timeout) {
  killall(greenlets, std::make_exception_ptr(GreenletExit()), block, timeout);
}

void killall(std::span<const GreenletBase> greenlets, std::exception_ptr ex, bool block, TimeSpan timeout) {
  bool queued = false;
  for (const auto& g : greenlets) {
    if (g.dead()) continue;
    detail::queue_kill(g.fiber(), ex);
    queued = queued || !g.dead();  // one that had not started is dead already
  }
  if (!block || !queued) return;
  // As kill(): back right after the kills' turn (gevent's _killall3), then wait for the rest.
  detail::yield_now();
  std::vector<GreenletBase> alive;
  for (const auto& g : greenlets) {
    if (!g.dead()) alive.push_back(g);
  }
  if (!alive.empty()) joinall(alive, timeout);
}

}  // namespace pinfiber
