#pragma once
// ThreadPool: run blocking calls (a database driver, a slow file system, a CPU-heavy function) on
// worker threads so the hub keeps running the other greenlets meanwhile.

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/hub.hpp"

namespace pinfiber {

/// A bounded set of worker threads (started on demand, up to `max_workers`) that run functions for
/// greenlets of one hub. run() parks only the calling greenlet; the result (or the exception) comes
/// back through Hub::post. While calls are in flight the hub stays alive (Hub::hold) and a paused
/// test clock waits for them instead of jumping past them (Hub::inhibit_auto_advance).
///
///   pinfiber::ThreadPool pool(4);
///   int rows = pool.run([&] { return db.blocking_insert(batch); });   // other greenlets run meanwhile
///   // gevent: hub.threadpool.apply(fn)
class ThreadPool {
 public:
  explicit ThreadPool(std::size_t max_workers = 4);
  /// Waits for the functions already queued to finish, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Runs `fn()` on a worker and blocks the calling greenlet until it returns; returns its value or
  /// rethrows its exception. Queued behind earlier calls when every worker is busy.
  /// If the calling greenlet is killed or its Timeout expires meanwhile, run() still waits for `fn`
  /// to return before it throws the interrupt: a thread cannot be interrupted, and `fn` may use the
  /// caller's locals (`[&]`), which must outlive it. The interrupt is therefore late by the rest of
  /// the call; for work that must be abandoned, give `fn` what it uses by value.
  template <class F>
  auto run(F&& fn) -> std::invoke_result_t<F&> {
    using T = std::invoke_result_t<F&>;
    auto state = std::make_shared<Call<T>>();
    state->waiter = detail::current_fiber();
    submit(
        [state, f = std::forward<F>(fn)]() mutable {
          try {
            if constexpr (std::is_void_v<T>) {
              f();
            } else {
              state->value.emplace(f());
            }
          } catch (...) {
            state->error = std::current_exception();
          }
        },
        state);
    await(*state);
    if (state->error) std::rethrow_exception(state->error);
    if constexpr (!std::is_void_v<T>) return std::move(*state->value);
  }

  std::size_t max_workers() const;
  /// Calls queued or running now.
  std::size_t pending() const;

  struct CallBase {
    detail::Fiber* waiter = nullptr;  // touched only in the hub's thread
    bool done = false;
    std::exception_ptr error;
  };

 private:
  template <class T>
  struct Call : CallBase {
    std::optional<T> value;
  };
  template <class T>
  requires std::is_void_v<T>
  struct Call<T> : CallBase {
  };

  void submit(std::function<void()> work, std::shared_ptr<CallBase> call);
  /// Parks until `call` is done, interrupts included (rethrown once it is).
  static void await(CallBase& call);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The calling thread's default ThreadPool (4 workers): a hub service, made on first use.
ThreadPool& thread_pool();

}  // namespace pinfiber
