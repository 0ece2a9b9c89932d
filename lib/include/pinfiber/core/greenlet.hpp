#pragma once
// Greenlets: spawn, join, get, kill - gevent's Greenlet in C++.

#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
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
  /// Shown in failure reports, overflow messages and LoopExit; default "Greenlet-<id>".
  std::string name;
  /// Stack size in bytes (rounded up to pages); 0 means the hub's default (64 KiB).
  std::size_t stack_size = 0;
};

/// A handle to a greenlet of any result type. Copies refer to the same greenlet; the greenlet runs
/// to its end whether or not a handle is kept.
class GreenletBase {
 public:
  GreenletBase() = default;

  /// The greenlet's name ("Greenlet-<id>" unless one was given).
  std::string name() const { return f_->name(); }
  /// True from spawn on: it was scheduled to run (gevent's `started`).
  bool started() const { return static_cast<bool>(f_); }
  /// True once its function began running (false for one killed before its first turn).
  bool has_run() const { return f_->has_run(); }
  /// True once it finished: returned, threw, or was killed (gevent's ready() / dead).
  bool ready() const { return f_->dead(); }
  bool dead() const { return f_->dead(); }
  /// True if it finished by returning. A killed greenlet is not successful: exception() holds the
  /// GreenletExit, and get() rethrows it.
  bool successful() const { return f_->dead() && !f_->error(); }
  /// The exception it ended with, or null (also null while it is running).
  std::exception_ptr exception() const { return f_->error(); }

  /// Blocks until the greenlet finishes or `timeout` passes; returns ready(). Never throws the
  /// greenlet's exception; throws the caller's own interrupts (kill, Timeout), and LoopExit in main
  /// if the greenlet can never finish.
  bool join(Duration timeout = forever) const;

  /// Raises GreenletExit (or `ex`) in the greenlet at its blocking point; its destructors run. One
  /// that has not started never runs. With `block`, waits for it to finish, up to `timeout`.
  void kill(bool block = true, Duration timeout = forever) const;
  void kill(std::exception_ptr ex, bool block = true, Duration timeout = forever) const;

  /// Calls `fn(handle)` when the greenlet finishes (at once if it already has). Callbacks run in the
  /// finishing greenlet, in the order they were added; an exception from one is reported, not raised.
  void link(std::function<void(const GreenletBase&)> fn) const;
  /// link() only if it ends successfully / only if it ends with an exception (GreenletExit included).
  void link_value(std::function<void(const GreenletBase&)> fn) const;
  void link_exception(std::function<void(const GreenletBase&)> fn) const;

  friend bool operator==(const GreenletBase& a, const GreenletBase& b) { return a.f_ == b.f_; }
  explicit operator bool() const { return static_cast<bool>(f_); }

  detail::Fiber* fiber() const { return f_.get(); }
  /// A handle to an existing fiber (internal: used by pinfiber's own layers).
  explicit GreenletBase(detail::Fiber* f) : f_(f) {}

 protected:
  void wait_ready(Duration timeout) const;  // join, or throw Timeout
  detail::FiberRef f_;
  friend GreenletBase getcurrent();
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

Fiber* schedule(Fiber* f, const SpawnOptions& options);
Fiber* schedule_later(Fiber* f, Duration delay, const SpawnOptions& options);
std::size_t resolve_stack_size(std::size_t requested);

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

  /// The returned value. Throws Error if the greenlet has not finished successfully.
  T& value() const {
    if (!successful()) throw Error("value of greenlet '" + name() + "': " + (ready() ? "it failed" : "not finished"));
    return *static_cast<detail::ResultFiber<T>*>(f_.get())->result;
  }
  /// Blocks until it finishes, then returns its value or rethrows its exception. Throws Timeout if
  /// `timeout` passes first.
  T& get(Duration timeout = forever) const {
    wait_ready(timeout);
    if (auto e = exception()) std::rethrow_exception(e);
    return *static_cast<detail::ResultFiber<T>*>(f_.get())->result;
  }

 private:
  template <class U>
  friend class Greenlet;
  template <class F, class... A>
  friend auto spawn_with(const SpawnOptions&, F&&, A&&...);
  template <class F, class... A>
  friend auto spawn_later(Duration, F&&, A&&...);
  explicit Greenlet(detail::Fiber* f) : GreenletBase(f) {}
};

template <>
class Greenlet<void> : public GreenletBase {
 public:
  Greenlet() = default;
  /// Blocks until it finishes; rethrows its exception. Throws Timeout if `timeout` passes first.
  void get(Duration timeout = forever) const {
    wait_ready(timeout);
    if (auto e = exception()) std::rethrow_exception(e);
  }

 private:
  template <class F, class... A>
  friend auto spawn_with(const SpawnOptions&, F&&, A&&...);
  template <class F, class... A>
  friend auto spawn_later(Duration, F&&, A&&...);
  explicit Greenlet(detail::Fiber* f) : GreenletBase(f) {}
};

namespace detail {
template <class F, class... A>
auto bind_call(F&& f, A&&... args) {
  return [f = std::forward<F>(f), tup = std::make_tuple(std::forward<A>(args)...)]() mutable -> decltype(auto) {
    return std::apply(std::move(f), std::move(tup));
  };
}
template <class F, class... A>
using spawn_result_t = std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>;
}  // namespace detail

/// Creates a greenlet running f(args...) with `options` and schedules it behind everything already
/// ready; it does not run until the caller blocks or yields. Arguments are moved in (use std::ref to
/// share). Never blocks; throws std::bad_alloc if memory runs out.
template <class F, class... A>
auto spawn_with(const SpawnOptions& options, F&& f, A&&... args) {
  using T = detail::spawn_result_t<F, A...>;
  auto call = detail::bind_call(std::forward<F>(f), std::forward<A>(args)...);
  auto* fiber =
      new detail::FunctionFiber<T, decltype(call)>(detail::resolve_stack_size(options.stack_size), std::move(call));
  return Greenlet<T>(detail::schedule(fiber, options));
}

/// spawn_with() with default options: gevent's spawn(f, *args).
template <class F, class... A>
requires std::invocable<std::decay_t<F>, std::decay_t<A>...>
auto spawn(F&& f, A&&... args) { return spawn_with(SpawnOptions{}, std::forward<F>(f), std::forward<A>(args)...); }

/// Like spawn(), but the greenlet is scheduled only after `delay` on the hub's clock. Killing it
/// before then cancels it.
template <class F, class... A>
auto spawn_later(Duration delay, F&& f, A&&... args) {
  using T = detail::spawn_result_t<F, A...>;
  auto call = detail::bind_call(std::forward<F>(f), std::forward<A>(args)...);
  auto* fiber = new detail::FunctionFiber<T, decltype(call)>(detail::resolve_stack_size(0), std::move(call));
  return Greenlet<T>(detail::schedule_later(fiber, delay, SpawnOptions{}));
}

/// The running greenlet (the main greenlet outside any spawned one).
GreenletBase getcurrent();

/// The calling thread's main greenlet: its own stack, the one that gets LoopExit. Killing it (for
/// shutdown) throws GreenletExit at its blocking point, like any other greenlet.
GreenletBase main_greenlet();

/// Waits until every greenlet finishes or `timeout` passes; returns those that finished, in the
/// order they finished. With `raise_error`, rethrows the first exception a greenlet ends with
/// (GreenletExit excepted) as soon as it happens. Otherwise failures stay inside their greenlets
/// (they were already reported by the exception handler). LoopExit in main if some can never finish.
std::vector<GreenletBase> joinall(std::span<const GreenletBase> greenlets, Duration timeout = forever,
                                  bool raise_error = false);
inline std::vector<GreenletBase> joinall(std::initializer_list<GreenletBase> greenlets, Duration timeout = forever,
                                         bool raise_error = false) {
  return joinall(std::span<const GreenletBase>(greenlets.begin(), greenlets.size()), timeout, raise_error);
}
template <class T>
std::vector<GreenletBase> joinall(const std::vector<Greenlet<T>>& greenlets, Duration timeout = forever,
                                  bool raise_error = false) {
  std::vector<GreenletBase> all(greenlets.begin(), greenlets.end());
  return joinall(std::span<const GreenletBase>(all), timeout, raise_error);
}

/// Kills every greenlet given (GreenletExit at its blocking point); with `block`, waits for all of
/// them to finish, up to `timeout`.
void killall(std::span<const GreenletBase> greenlets, bool block = true, Duration timeout = forever);
template <class T>
void killall(const std::vector<Greenlet<T>>& greenlets, bool block = true, Duration timeout = forever) {
  std::vector<GreenletBase> all(greenlets.begin(), greenlets.end());
  killall(std::span<const GreenletBase>(all), block, timeout);
}

}  // namespace pinfiber
