#pragma once
// The hub: one per thread, created on first use, owning the thread's libev loop, its run queue of
// ready greenlets and its timers. The thread's own stack is the "main greenlet"; when it blocks
// (join, sleep, get) it switches into the hub, exactly as in gevent.
//
//   pinfiber::hub().pause_clock();            // in a test: time jumps instead of passing
//   auto g = pinfiber::spawn([] { pinfiber::sleep(3s); return 42; });
//   EXPECT_EQ(g.get(), 42);                   // returns at once, and now() is 3 s later

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "pinfiber/core/clock.hpp"

struct ev_loop;

namespace pinfiber {

namespace detail {
class HubImpl;
class Fiber;
}  // namespace detail

/// What a blocking monitor on another thread may read of a hub: every field is written only by the
/// hub's thread, with relaxed atomics (a few nanoseconds per switch).
struct HubActivity {
  /// Bumped on every switch between greenlets: if it stands still while `polling` is false, one
  /// greenlet is keeping the hub from running.
  std::atomic<std::uint64_t> switches{0};
  /// True while the hub sleeps in epoll_wait (idle, not blocked).
  std::atomic<bool> polling{false};
  /// The greenlet that was switched to last (null before the first switch). Read its name only
  /// while `switches` stands still: it is then the greenlet that holds the hub.
  std::atomic<const detail::Fiber*> running{nullptr};
};

/// Receives an exception that escaped a greenlet: its name and the exception.
using ExceptionHandler = std::function<void(const std::string& greenlet_name, std::exception_ptr error)>;

/// The calling thread's hub. Its members are called from that thread, except post().
class Hub {
 public:
  /// Now, on this hub's clock. Never blocks.
  TimePoint now() const;

  /// Test clock: freezes now(). While paused, when every greenlet is blocked and no I/O is ready,
  /// the hub jumps to the next timer deadline instead of sleeping, so timed code runs in
  /// microseconds and exactly. Setting PINFIBER_TEST_CLOCK=paused in the environment pauses every
  /// new hub (the example tests use it).
  void pause_clock();
  /// Lets time pass again, continuing from the paused value.
  void resume_clock();
  bool clock_paused() const;
  /// Moves the paused clock forward by `d` and fires what fell due (wakes are queued, not run).
  /// Throws Error if the clock is not paused.
  void advance_clock(Duration d);

  /// How many times the loop polled for I/O (libev's ev_iteration): an idle hub must not spin.
  std::uint64_t loop_iterations() const;

  /// Runs `fn` in this hub's thread, in the hub (not in a greenlet: it must not block; it may spawn
  /// or wake greenlets). Thread-safe; the only member other threads may call.
  void post(std::function<void()> fn);

  /// Keeps the hub alive (blocking calls in main wait instead of raising LoopExit) while a wake-up
  /// may still arrive through post() from another thread. Calls nest; thread-safe.
  void hold();
  void unhold();

  /// Replaces the handler for exceptions escaping greenlets (default: one line on stderr naming the
  /// greenlet, the exception type and what()). An empty function restores the default.
  void set_exception_handler(ExceptionHandler handler);

  /// Stack size for greenlets spawned without one (default 64 KiB, rounded up to whole pages).
  void set_default_stack_size(std::size_t bytes);
  std::size_t default_stack_size() const;

  /// Greenlets spawned on this hub that have not finished (the main greenlet not counted).
  std::size_t greenlet_count() const;

  /// Kills every greenlet of this hub but the caller (GreenletExit at each one's blocking point;
  /// those that never ran never will) and waits up to `timeout` for them to finish. Returns how many
  /// are still alive then. Blocks the calling greenlet; throws its own interrupts.
  std::size_t kill_all(Duration timeout = forever);

  /// Read by a blocking monitor on another thread; see HubActivity. Thread-safe.
  const HubActivity& activity() const;

  /// Per-hub state of another layer (io's fd table, ...): the object registered under `key`, made by
  /// `create` on first use and handed to `destroy` when the hub ends - after its greenlets were
  /// killed and before its loop is closed, so state they use outlives them.
  void* extension(const void* key, void* (*create)(), void (*destroy)(void*));

  /// The libev loop, for layers that add their own watchers (io, gpio).
  struct ev_loop* loop() const;

  detail::HubImpl& impl() const { return *impl_; }

 private:
  friend class detail::HubImpl;
  explicit Hub(detail::HubImpl* impl) : impl_(impl) {}
  detail::HubImpl* impl_;
};

/// The calling thread's hub, created on first use and destroyed at thread exit (greenlets still
/// alive then are killed with GreenletExit, so their destructors run).
Hub& hub();

}  // namespace pinfiber
