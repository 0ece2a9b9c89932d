#pragma once
// Runs a blocking system call of a bus on pinfiber::thread_pool() with a timeout the caller can
// actually leave by: the call is handed to a helper greenlet, which waits for the worker; the caller
// waits for the helper up to its timeout. A call that is already in the kernel cannot be withdrawn,
// so on a timeout it completes in the background - which is why `op` must own what it uses (a
// shared_ptr to the fd and the buffers) and why `done` runs when the call ends, not when the caller
// gives up: it releases the bus, so the next transfer waits for the abandoned one.

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/io/thread_pool.hpp"

namespace pinfiber::bus::detail {

/// Runs `op()` (returns an int: >= 0, or -errno) on thread_pool(); returns its result, or nothing
/// if `timeout` passed first. `done()` runs in the hub's thread once op() has returned, whether the
/// caller still waits or not (and also if the helper is killed). Throws the caller's interrupts.
template <class Op>
std::optional<int> run_pooled(Op op, Duration timeout, std::function<void()> done) {
  Greenlet<int> helper;
  try {
    helper = spawn_with(SpawnOptions{.name = "bus transfer"}, [op = std::move(op), done]() mutable -> int {
      struct Finally {
        std::function<void()>& fn;
        ~Finally() { fn(); }
      } finally{done};
      return thread_pool().run(op);
    });
  } catch (...) {
    done();  // no helper (no stack for it): nothing else will
    throw;
  }
  if (!helper.join(timeout)) return std::nullopt;
  return helper.get();
}

}  // namespace pinfiber::bus::detail
