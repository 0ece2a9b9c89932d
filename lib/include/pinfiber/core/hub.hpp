#pragma once
// The hub: one per thread, created on first use, owning the thread's event loop, its run queue of
// ready greenlets, its timers and its services (the per-hub state of every layer). The thread's own
// stack is the "main greenlet"; when it blocks (join, sleep, get) it switches into the hub, exactly
// as in gevent.
//
//   pinfiber::hub().pause_clock();            // in a test (pinfiber/testing.hpp does it for you)
//   auto g = pinfiber::spawn([] { pinfiber::sleep(3s); return 42; });
//   EXPECT_EQ(g.get(), 42);                   // returns at once, and now() is 3 s later

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "pinfiber/core/clock.hpp"

namespace pinfiber {

namespace detail {
class HubImpl;
class Fiber;
// One address per service type: the key of Hub::service<S>().
template <class S>
inline constexpr char service_key = 0;
}  // namespace detail

/// What a blocking monitor on another thread may read of a hub. The counters are written only by the
/// hub's thread, with relaxed atomics (a store or two per switch); names are copied under a lock, so
/// the other thread never touches a greenlet's memory.
struct HubActivity {
  /// Bumped on every switch between greenlets: if it stands still while `polling` is false, one
  /// greenlet is keeping the hub from running. A machine word (it wraps on a 32-bit Pi after 2^32
  /// switches), so that bumping it is a plain load and store there too.
  std::atomic<std::size_t> switches{0};
  /// True while the hub sleeps in epoll_wait (idle, not blocked).
  std::atomic<bool> polling{false};
  /// The id of the greenlet switched to last (0 before the first switch; the main greenlet's is 0).
  std::atomic<std::uint64_t> running{0};
  /// The name of greenlet `id` as the hub knows it now: its given name while it lives, else
  /// "Greenlet-<id>" ("main" for 0). Thread-safe.
  std::string name_of(std::uint64_t id) const;
  /// The name of the greenlet running now if the switch count still equals `switches`, else empty
  /// (the hub moved on). Read under the lock the hub takes to forget a name, which it does only
  /// after that greenlet's last switch: a greenlet caught finishing is still named. Thread-safe.
  std::string name_of_running(std::size_t switches) const;

 private:
  friend class detail::HubImpl;
  mutable std::mutex names_mutex_;
  std::unordered_map<std::uint64_t, std::string> names_;  // live greenlets that were given a name
};

/// Receives an exception that escaped a greenlet: its name and the exception.
using ExceptionHandler = std::function<void(const std::string& greenlet_name, std::exception_ptr error)>;

/// The calling thread's hub. Its members are called from that thread, except post(), hold() and
/// unhold().
class Hub {
 public:
  /// Now, on this hub's clock. Never blocks.
  TimePoint now() const;

  /// Test clock: freezes now(). While paused, when every greenlet is blocked and no I/O is ready,
  /// the hub jumps to the next timer deadline instead of sleeping, so timed code runs in
  /// microseconds and exactly - unless real work is outstanding (inhibit_auto_advance), which it
  /// then waits for first. Test fixtures (pinfiber/testing.hpp) pause it; production code never does.
  void pause_clock();
  /// Lets time pass again, continuing from the paused value.
  void resume_clock();
  bool clock_paused() const;
  /// Moves the paused clock forward by `d` and fires what fell due (wakes are queued, not run).
  /// Throws Error if the clock is not paused.
  void advance_clock(Duration d);
  /// While inhibited (calls nest), a paused clock does not jump: the hub waits in real time for the
  /// outstanding work - a ThreadPool job, a subprocess, bytes a test feeds into an fd - to wake a
  /// greenlet. ThreadPool and Subprocess do this themselves; tests mark fds with
  /// pinfiber::testing::FedFromOutside (tokio's inhibit_auto_advance).
  void inhibit_auto_advance();
  void allow_auto_advance();

  /// How many times the loop polled for I/O: an idle hub must not spin.
  std::uint64_t loop_iterations() const;
  /// Hub timers armed now (sleeps, Timeouts, waits with a deadline, delayed starts).
  std::size_t pending_timers() const;
  /// Event-loop watches active now: fds greenlets wait on, a library's sockets, signal handlers.
  std::size_t active_watches() const;
  /// Greenlets and notifications queued to run now.
  bool has_ready() const;

  /// Runs `fn` in this hub's thread, in the hub (not in a greenlet: it must not block; it may spawn
  /// or wake greenlets). Thread-safe; the way other threads reach a hub.
  void post(std::function<void()> fn);
  /// Keeps the hub alive (blocking calls in main wait instead of raising LoopExit) while a wake-up
  /// may still arrive through post() from another thread. Calls nest; thread-safe.
  void hold();
  void unhold();

  /// Replaces the handler for exceptions escaping greenlets (default: an error record in the hub's log,
  /// pinfiber/core/logging.hpp, naming the greenlet, the exception type and what(); rate limited, so a
  /// flood of identical failures stays a few lines). An empty function restores the default.
  void set_exception_handler(ExceptionHandler handler);

  /// Stack size for greenlets spawned without one (default 64 KiB, rounded up to whole pages).
  void set_default_stack_size(std::size_t bytes);
  std::size_t default_stack_size() const;

  /// Greenlets spawned on this hub that have not finished (the main greenlet not counted).
  std::size_t greenlet_count() const;

  /// Kills every greenlet of this hub but the caller and main (GreenletExit at each one's blocking
  /// point; those that never ran never will) and waits up to `timeout` for them to finish. Returns
  /// how many are still alive then. Blocks the calling greenlet; throws its own interrupts.
  std::size_t kill_all(TimeSpan timeout = forever);

  /// Read by a blocking monitor on another thread; see HubActivity. Thread-safe.
  const HubActivity& activity() const;

  /// This hub's service of type S: the per-hub state of a layer (the fd table, the default resolver
  /// and thread pool, the default GPIO chip, an MQTT client...). Made on first use - with S(Hub&) if
  /// S has that constructor, else S() - and destroyed when the hub ends, in the reverse order of
  /// their making: after the hub's greenlets were killed (so whatever they use outlives them) and
  /// before the event loop closes.
  template <class S>
  S& service() {
    if (void* found = find_service(&detail::service_key<S>)) return *static_cast<S*>(found);
    S* made;
    if constexpr (std::is_constructible_v<S, Hub&>) {
      made = new S(*this);
    } else {
      made = new S();
    }
    add_service(&detail::service_key<S>, made, [](void* p) { delete static_cast<S*>(p); });
    return *made;
  }
  /// The service of type S if it was made, else null. Never makes one.
  template <class S>
  S* find_service() {
    return static_cast<S*>(find_service(&detail::service_key<S>));
  }

 private:
  friend class detail::HubImpl;
  explicit Hub(detail::HubImpl* impl) : impl_(impl) {}
  void* find_service(const void* key) const;
  void add_service(const void* key, void* object, void (*destroy)(void*));
  detail::HubImpl* impl_;
};

/// The calling thread's hub, created on first use and destroyed at thread exit (greenlets still
/// alive then are killed with GreenletExit, so their destructors run; those that refuse to die within
/// a grace period are named in the log and abandoned, so a thread always ends).
Hub& hub();

}  // namespace pinfiber
