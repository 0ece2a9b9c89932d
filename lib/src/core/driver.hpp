#pragma once
// The hub's event driver: the one owner of the libev loop and of every libev watcher (fd, signal and
// real-time watches of pinfiber/core/detail/watch.hpp, the cross-thread wake-up, the hub's timer).
// The hub asks it for one poll at a time; it knows nothing of greenlets.
//
// Why a timerfd for the hub's timers rather than libev's own: libev's epoll backend passes its
// timeout to epoll_wait in whole milliseconds, rounded up, so a 2.5 ms sleep woke a median 670 us
// late. A timerfd armed at the absolute deadline (CLOCK_MONOTONIC, nanoseconds) wakes epoll_wait on
// time, and costs one timerfd_settime only when the earliest deadline changes before a sleep.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

struct ev_loop;

namespace pinfiber::detail {

class FdWatch;

class Driver {
 public:
  using RealTime = std::chrono::steady_clock::time_point;

  Driver();
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// One poll of the loop: runs the callbacks of what is ready. With `block`, first sleeps until
  /// something is ready, wake() is called from another thread, or the real monotonic time `wake_at`
  /// (RealTime::max(): none). Returns true if some watch that keeps the hub alive is active (if not,
  /// and no hub timer is pending, nothing but another thread can ever wake the hub).
  bool poll(bool block, RealTime wake_at);

  /// Makes a blocked poll() return soon; the only member other threads may call.
  void wake();
  /// Calls `fn(context)` from the next poll() after a wake() (the hub drains its posted functions).
  void on_wake(void (*fn)(void*), void* context);

  /// While held, poll() reports the hub as alive (Hub::hold: another thread may still post).
  void set_held(bool held);

  /// Polls so far (libev's ev_iteration): an idle hub must not spin.
  std::uint64_t iterations() const;
  /// Polls (zero timeout) the fds of the active watches that asked to be checked before a clock jump
  /// and runs the callbacks of those ready. Returns true if any was.
  bool check_before_clock_jump();
  void track_checked(FdWatch* w, bool on);

  /// Watches (fd, signal, real-time) active now, the hub's own not counted.
  std::size_t active_watches() const { return active_watches_; }
  void count_watch(int delta) {
    active_watches_ = static_cast<std::size_t>(static_cast<long>(active_watches_) + delta);
  }

  /// The calling thread's driver (its hub's).
  static Driver& current();
  struct ev_loop* loop() const {
    return loop_;
  }

 private:
  struct ev_loop* loop_ = nullptr;
  struct Internals;
  Internals* in_ = nullptr;
  bool held_ = false;
  std::size_t active_watches_ = 0;
  std::vector<FdWatch*> checked_;  // active watches to poll before a paused clock jumps
};

}  // namespace pinfiber::detail
