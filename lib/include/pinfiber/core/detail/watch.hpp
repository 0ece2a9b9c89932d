#pragma once
// Watches on the hub's event loop, for the layers that need the OS's attention without a greenlet
// waiting: the fd table behind every fd wait (io), a foreign library's sockets (c-ares; libcurl and
// libmosquitto later), signals. They all go through the hub's event driver, which is the only code
// that knows the event loop is libev (lib/src/core/driver.cpp); nothing else includes <ev.h>.
//
// Callbacks run in the hub, not in a greenlet: they must not block. They may wake greenlets, spawn,
// and stop or restart watches (their own included). A watch belongs to the calling thread's hub and
// must be destroyed on that thread, before the hub ends (a hub service is the usual owner).

#include <cstddef>
#include <cstdint>

#include "pinfiber/core/clock.hpp"

namespace pinfiber::detail {

/// Bytes each watch keeps for its libev watcher (checked against libev's sizes where it is built).
inline constexpr std::size_t kWatcherStorage = 64;

/// Directions of fd readiness; an fd watch may ask for both.
enum FdEvents : int { fd_readable = 1, fd_writable = 2 };

/// Calls back when an fd is readable and/or writable (level-triggered: while the condition holds,
/// every poll reports it again until the watch is stopped).
class FdWatch {
 public:
  using Callback = void (*)(FdWatch& watch, int events);
  explicit FdWatch(Callback cb, void* context = nullptr);
  /// Stops the watch.
  ~FdWatch();
  FdWatch(const FdWatch&) = delete;
  FdWatch& operator=(const FdWatch&) = delete;

  /// Sets the fd and directions to watch, for the next start(). The kernel registration is renewed
  /// at the next poll; use it for a new fd (or a reused fd number), not on every wait.
  void set(int fd, int events);
  /// Starts watching what set() named. Restarting a stopped watch with unchanged settings costs no
  /// system call: the common case of waiting on one busy socket over and over.
  void start();
  void stop();
  bool active() const;
  int fd() const;
  /// Whether this watch, while active, keeps the hub from deciding that nothing can ever happen
  /// (LoopExit). Default true.
  void keep_alive(bool on);
  /// Whether a paused test clock, before it jumps to the next deadline, asks the kernel directly
  /// (a zero-timeout poll) if this fd is ready - for an fd a test feeds from outside the hub, whose
  /// bytes may still be on their way (a pty moves them in a kernel work item, which the poll makes
  /// it finish). Default false.
  void check_before_clock_jump(bool on);

  void* context() const { return context_; }

 private:
  friend class Driver;
  alignas(8) unsigned char storage_[kWatcherStorage];  // the ev_io (size checked in driver.cpp)
  Callback cb_;
  void* context_;
  bool keeps_alive_ = true;
  bool unref_taken_ = false;
  bool check_before_jump_ = false;
};

/// Calls back, in the hub, each time signal `signum` arrives (the signal is caught for as long as
/// the watch is active; the default action returns when it stops). Never keeps the hub alive: a
/// program that only waits for a signal gets LoopExit unless it says otherwise (pinfiber::pause()).
class SignalWatch {
 public:
  using Callback = void (*)(SignalWatch& watch);
  SignalWatch(int signum, Callback cb, void* context = nullptr);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  void start();
  void stop();
  bool active() const;
  int signum() const { return signum_; }
  void* context() const { return context_; }

 private:
  friend class Driver;
  alignas(8) unsigned char storage_[kWatcherStorage];  // the ev_signal
  Callback cb_;
  void* context_;
  int signum_;
};

/// Calls back once `after` has passed on the REAL monotonic clock, whatever the test clock does: for a
/// foreign library that measures its own retries in real time (c-ares), where a paused hub clock would
/// make it fire at once forever. Greenlet code uses hub timers (sleep, Timeout), never this.
class RealTimer {
 public:
  using Callback = void (*)(RealTimer& timer);
  explicit RealTimer(Callback cb, void* context = nullptr);
  ~RealTimer();
  RealTimer(const RealTimer&) = delete;
  RealTimer& operator=(const RealTimer&) = delete;

  /// (Re)starts it to fire once, `after` from now.
  void start(Duration after);
  void stop();
  bool active() const;
  /// Whether this timer, while active, keeps the hub from deciding that nothing can ever happen
  /// (LoopExit). Default true; a systemd watchdog's timer says false, so that a main waiting for
  /// nothing still gets LoopExit instead of petting the watchdog forever.
  void keep_alive(bool on);
  void* context() const { return context_; }

 private:
  friend class Driver;
  alignas(8) unsigned char storage_[kWatcherStorage];  // the ev_timer
  Callback cb_;
  void* context_;
  bool keeps_alive_ = true;
  bool unref_taken_ = false;
};

}  // namespace pinfiber::detail
