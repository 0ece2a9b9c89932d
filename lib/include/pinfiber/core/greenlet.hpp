#pragma once
// Greenlets: spawn, join, get, kill, link - gevent's Greenlet in C++.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <limits>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/errors.hpp"

namespace pinfiber {

/// Options for spawn(); the defaults suit most greenlets.
struct SpawnOptions {
  /// Shown in failure reports, overflow messages, LoopExit and the blocking monitor; default
  /// "Greenlet-<id>".
  std::string name;
  /// Stack size in bytes (rounded up to pages); 0 means the hub's default (64 KiB).
  std::size_t stack_size = 0;
};

/// Identifies one link() registration, for unlink().
enum class LinkId : std::uint64_t {};

/// A handle to a greenlet of any result type. Copies refer to the same greenlet; the greenlet runs
/// to its end whether or not a handle is kept.
class GreenletBase {
 public:
  GreenletBase() = default;

  /// The greenlet's name ("Greenlet-<id>" unless one was given).
  std::string name() const { return f_->name(); }
  /// True once it was started (spawn, or start() of one made by make_greenlet), dead or not.
  bool started() const { return f_ && f_->state() != detail::FiberState::created; }
  /// True once its function began running (false for one killed before its first turn).
  bool has_run() const { return f_->has_run(); }
  /// True once it finished: returned, threw, or was killed (gevent's ready() / dead).
  bool ready() const { return f_->dead(); }
  bool dead() const { return f_->dead(); }
  /// True if it finished without an exception. A killed greenlet counts as successful, as in gevent:
  /// a kill (GreenletExit) is a normal end, not a failure; killed() tells the two apart.
  bool successful() const { return f_->dead() && !f_->error(); }
  /// True if it ended by GreenletExit (killed, or killed before it started).
  bool killed() const { return f_->killed(); }
  /// The exception it failed with, or null: while it runs, when it returned, and when it was killed.
  std::exception_ptr exception() const { return f_->error(); }

  /// Schedules a greenlet made by make_greenlet(): it runs after everything already ready. Throws
  /// Error if it was started already. Never blocks.
  void start() const;
  /// Schedules it to start `delay` from now (on the hub's clock). Throws Error if started already.
  void start_later(TimeSpan delay) const;

  /// Blocks until the greenlet finishes or `timeout` passes; returns ready(). Never throws the
  /// greenlet's exception; throws the caller's own interrupts (kill, Timeout), Error if a greenlet
  /// joins itself, and LoopExit in main if the greenlet can never finish. A zero timeout lets every
  /// ready greenlet run once before it answers. Inline, so that the joiner resumes in its caller's
  /// code (see detail::park_until()).
  bool join(TimeSpan timeout = forever) const {
    detail::Fiber* f = f_.get();
    if (f->dead()) return true;
    if (f == detail::current_fiber()) [[unlikely]]
      refuse_to_join_itself();
    f->links().wait(deadline_in(timeout), {"the end of greenlet", f});
    return f->dead();
  }

  /// Kills the greenlet: GreenletExit (or `ex`) is thrown at its blocking point when the kill's turn
  /// comes - behind what is already scheduled, so one already due to resume resumes first and gets
  /// it at its next blocking call, as in gevent. Its destructors run. One that has not started ends
  /// at once and never runs. With `block`, the caller resumes right after the kill's turn, once the
  /// greenlet ran to its end or its next blocking point (before its links run, as in gevent), then
  /// waits for it to finish, up to `timeout` (a greenlet that swallows the kill may outlive the
  /// wait). Throws the caller's interrupts while blocking.
  void kill(bool block = true, TimeSpan timeout = forever) const;
  void kill(std::exception_ptr ex, bool block = true, TimeSpan timeout = forever) const;

  /// Calls `fn(handle)` when the greenlet finishes, in a greenlet of its own (so it may block:
  /// sleep, join, get from a queue), started from the hub after the greenlet has finished, in the
  /// order links were added - never inside the finishing greenlet. Linking to a finished greenlet
  /// runs `fn` soon after link() returns, never inside it. An exception from `fn` is reported, not
  /// raised. Returns an id for unlink().
  LinkId link(std::function<void(const GreenletBase&)> fn) const;
  /// link(), only if it ends successfully (a kill included) / only if it fails with an exception.
  LinkId link_value(std::function<void(const GreenletBase&)> fn) const;
  LinkId link_exception(std::function<void(const GreenletBase&)> fn) const;
  /// Calls `fn(handle)` when the greenlet finishes, inline in the hub's links pass, in order with the
  /// other links (gevent's rawlink): it must be quick and must not block (a blocking call in it
  /// throws Error). For bookkeeping; link() is the general form.
  LinkId rawlink(std::function<void(const GreenletBase&)> fn) const;
  /// Removes a link that has not run yet; does nothing otherwise.
  void unlink(LinkId id) const;

  friend bool operator==(const GreenletBase& a, const GreenletBase& b) { return a.f_ == b.f_; }
  explicit operator bool() const { return static_cast<bool>(f_); }

  detail::Fiber* fiber() const { return f_.get(); }
  /// A handle to an existing fiber (internal: used by pinfiber's own layers).
  explicit GreenletBase(detail::Fiber* f) : f_(f) {}

 protected:
  /// join(timeout), or throw TimeoutError saying what `action` waited for.
  void wait_ready(Duration timeout, const char* action) const;
  [[noreturn]] void throw_killed(const char* action) const;
  detail::FiberRef f_;

 private:
  [[noreturn]] void refuse_to_join_itself() const;
};

namespace detail {

template <class T>
class ResultFiber : public Fiber {
 public:
  using Fiber::Fiber;
  std::optional<T> result;
};
template <>
class ResultFiber<void> : public Fiber {
 public:
  using Fiber::Fiber;
};

template <class T, class F>
class FunctionFiber final : public ResultFiber<T> {
 public:
  FunctionFiber(std::size_t stack, F&& f) : ResultFiber<T>(stack), fn_(std::move(f)) {}

 private:
  void run_body() override {
    if constexpr (std::is_void_v<T>) {
      std::move (*fn_)();
    } else {
      this->result.emplace(std::move(*fn_)());
    }
  }
  // The callable and its bound arguments die with the body, not with the last handle.
  void on_finished() override { fn_.reset(); }
  std::optional<F> fn_;
};

/// Registers `f` with the hub (stack, id, name) without starting it; deletes it and throws Error if
/// no stack can be had.
Fiber* adopt(Fiber* f, const SpawnOptions& options);
/// Throws Error (ENOMEM, "spawn a greenlet: allocate its state ...").
[[noreturn]] void no_memory_to_spawn();
void start(Fiber* f);
void start_later(Fiber* f, Duration delay);
std::size_t resolve_stack_size(std::size_t requested);

template <class F, class... A>
auto bind_call(F&& f, A&&... args) {
  return [f = std::forward<F>(f), tup = std::make_tuple(std::forward<A>(args)...)]() mutable -> decltype(auto) {
    return std::apply(std::move(f), std::move(tup));
  };
}
template <class F, class... A>
using spawn_result_t = std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>;

template <class F, class... A>
Fiber* make_fiber(const SpawnOptions& options, F&& f, A&&... args) {
  using T = spawn_result_t<F, A...>;
  auto call = bind_call(std::forward<F>(f), std::forward<A>(args)...);
  FunctionFiber<T, decltype(call)>* fiber = nullptr;
  try {
    fiber = new FunctionFiber<T, decltype(call)>(resolve_stack_size(options.stack_size), std::move(call));
  } catch (const std::bad_alloc&) {
    no_memory_to_spawn();
  }
  return adopt(fiber, options);
}

}  // namespace detail

/// A handle to a greenlet whose function returns T.
///
///   auto g = pinfiber::spawn([](int x) { return x * 2; }, 21);
///   int v = g.get();                  // blocks this greenlet until g returns; rethrows its exception
///   if (g.successful()) use(g.value());
template <class T>
class Greenlet : public GreenletBase {
 public:
  Greenlet() = default;

  /// The returned value. Throws Error if it has not finished or failed (exception() has the
  /// failure), GreenletKilled if it was killed. Never blocks.
  T& value() const {
    if (!ready()) throw Error("value of greenlet '" + name() + "': it has not finished");
    if (exception()) throw Error("value of greenlet '" + name() + "': it failed (its exception() says why)");
    return result("value of");
  }
  /// Blocks until it finishes, then returns its value or rethrows its exception; throws
  /// GreenletKilled if it was killed (the reader goes on: a kill never spreads), TimeoutError if
  /// `timeout` passes first, and the caller's own interrupts.
  T& get(TimeSpan timeout = forever) const {
    wait_ready(timeout, "get the result of");
    return result("get the result of");
  }

 private:
  template <class U>
  friend class Greenlet;
  template <class F, class... A>
  friend auto spawn_with(const SpawnOptions&, F&&, A&&...);
  template <class F, class... A>
  friend auto make_greenlet_with(const SpawnOptions&, F&&, A&&...);
  explicit Greenlet(detail::Fiber* f) : GreenletBase(f) {}
  T& result(const char* action) const {
    if (auto e = exception()) std::rethrow_exception(e);
    if (killed()) throw_killed(action);
    return *static_cast<detail::ResultFiber<T>*>(f_.get())->result;
  }
};

template <>
class Greenlet<void> : public GreenletBase {
 public:
  Greenlet() = default;
  /// Blocks until it finishes; rethrows its exception; returns normally if it returned or was
  /// killed. Throws TimeoutError if `timeout` passes first, and the caller's own interrupts.
  void get(TimeSpan timeout = forever) const {
    wait_ready(timeout, "get the result of");
    if (auto e = exception()) std::rethrow_exception(e);
  }

 private:
  template <class F, class... A>
  friend auto spawn_with(const SpawnOptions&, F&&, A&&...);
  template <class F, class... A>
  friend auto make_greenlet_with(const SpawnOptions&, F&&, A&&...);
  explicit Greenlet(detail::Fiber* f) : GreenletBase(f) {}
};

/// Makes a greenlet running f(args...) with `options` without starting it (gevent's
/// `Greenlet(f, *args)`); start() or start_later() schedules it. Its stack is taken now: throws
/// Error ("allocate greenlet stacks ...: Cannot allocate memory") if there is none, and Error ("spawn
/// a greenlet: allocate its state ...", ENOMEM) if the heap runs out first. Never blocks.
template <class F, class... A>
auto make_greenlet_with(const SpawnOptions& options, F&& f, A&&... args) {
  using T = detail::spawn_result_t<F, A...>;
  return Greenlet<T>(detail::make_fiber(options, std::forward<F>(f), std::forward<A>(args)...));
}
template <class F, class... A>
requires std::invocable<std::decay_t<F>, std::decay_t<A>...>
auto make_greenlet(F&& f, A&&... args) {
  return make_greenlet_with(SpawnOptions{}, std::forward<F>(f), std::forward<A>(args)...);
}

/// Creates a greenlet running f(args...) with `options` and schedules it behind everything already
/// ready; it does not run until the caller blocks or yields. Arguments are moved in (use std::ref to
/// share). Never blocks. Throws Error if no stack or no memory for the greenlet can be had (the
/// caller and every other greenlet run on).
template <class F, class... A>
auto spawn_with(const SpawnOptions& options, F&& f, A&&... args) {
  auto g = make_greenlet_with(options, std::forward<F>(f), std::forward<A>(args)...);
  detail::start(g.fiber());
  return g;
}

/// spawn_with() with default options: gevent's spawn(f, *args).
template <class F, class... A>
requires std::invocable<std::decay_t<F>, std::decay_t<A>...>
auto spawn(F&& f, A&&... args) { return spawn_with(SpawnOptions{}, std::forward<F>(f), std::forward<A>(args)...); }

/// Like spawn(), but the greenlet is scheduled only after `delay` on the hub's clock. Killing it
/// before then cancels it.
template <class F, class... A>
auto spawn_later(TimeSpan delay, F&& f, A&&... args) {
  auto g = make_greenlet(std::forward<F>(f), std::forward<A>(args)...);
  g.start_later(delay);
  return g;
}

/// The running greenlet (the main greenlet outside any spawned one).
GreenletBase getcurrent();

/// Every greenlet of the calling thread's hub that has not finished (started or not; the main
/// greenlet excepted), in the order they were made.
std::vector<GreenletBase> all_greenlets();

/// The calling thread's main greenlet: its own stack, the one that gets LoopExit. Killing it (for
/// shutdown) throws GreenletExit at its blocking point, like any other greenlet.
GreenletBase main_greenlet();

/// Waits until `count` of the greenlets (all of them by default) finished or `timeout` passed; returns
/// those that finished, in the order they finished (those finished already come after every greenlet
/// that was ready ran once, as in gevent). A timeout is not an error: fewer come back. With
/// `raise_error`, rethrows the first failure (a kill is not one) as soon as it is seen; otherwise
/// failures stay inside their greenlets (the exception handler reported them). Throws the caller's
/// interrupts, and LoopExit in main if some can never finish.
std::vector<GreenletBase> joinall(std::span<const GreenletBase> greenlets, TimeSpan timeout = forever,
                                  bool raise_error = false,
                                  std::size_t count = std::numeric_limits<std::size_t>::max());
inline std::vector<GreenletBase> joinall(std::initializer_list<GreenletBase> greenlets, TimeSpan timeout = forever,
                                         bool raise_error = false,
                                         std::size_t count = std::numeric_limits<std::size_t>::max()) {
  return joinall(std::span<const GreenletBase>(greenlets.begin(), greenlets.size()), timeout, raise_error, count);
}
template <class T>
std::vector<GreenletBase> joinall(const std::vector<Greenlet<T>>& greenlets, TimeSpan timeout = forever,
                                  bool raise_error = false,
                                  std::size_t count = std::numeric_limits<std::size_t>::max()) {
  std::vector<GreenletBase> all(greenlets.begin(), greenlets.end());
  return joinall(std::span<const GreenletBase>(all), timeout, raise_error, count);
}

/// Kills every greenlet given with GreenletExit (or `ex`), each at its blocking point in the order
/// given, behind what is already scheduled; those not started end at once. With `block`, the caller
/// resumes once the kills' turns came (as kill() does), then waits for those still alive, up to
/// `timeout` (a timeout is not an error here: gevent raises Timeout). Throws the caller's interrupts
/// while blocking.
void killall(std::span<const GreenletBase> greenlets, bool block = true, TimeSpan timeout = forever);
void killall(std::span<const GreenletBase> greenlets, std::exception_ptr ex, bool block = true,
             TimeSpan timeout = forever);
template <class T>
void killall(const std::vector<Greenlet<T>>& greenlets, bool block = true, TimeSpan timeout = forever) {
  std::vector<GreenletBase> all(greenlets.begin(), greenlets.end());
  killall(std::span<const GreenletBase>(all), block, timeout);
}

}  // namespace pinfiber
