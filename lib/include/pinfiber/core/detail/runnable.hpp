#pragma once
// What the hub's run queue holds: greenlets to switch to, and notifiers - deferred work that runs at
// its turn, first-in first-out with the greenlets (gevent's loop.run_callback). A notifier is how
// every wake-up keeps gevent's order: Event.set(), a Queue.put(), a Semaphore.release() and a
// greenlet's death do not wake their waiters at once; they queue a notifier, which, when its turn
// comes, hands the CPU to one waiter after another, each running at once until it blocks again.

#include <cstdint>

namespace pinfiber::detail {

class Fiber;

/// An entry of the run queue.
struct Runnable {
  // dead_fiber: a greenlet killed before its first turn while in the queue (the scheduler drops
  // it), so that the switch tests one byte for "a greenlet to resume".
  enum class Kind : std::uint8_t { fiber, notifier, kill, dead_fiber };
  explicit Runnable(Kind k) : kind(k) {}
  Runnable(const Runnable&) = delete;
  Runnable& operator=(const Runnable&) = delete;
  // Virtual so that it is a greenlet's primary base, at offset 0: the scheduler's casts between
  // Runnable* and Fiber* then cost no instruction on the switch path.
  virtual ~Runnable() = default;

  Runnable* next_ready = nullptr;
  Kind kind;
  bool queued = false;  // in the run queue now
};

/// Deferred work in the run queue, advanced one piece at a time by the scheduler.
class Notifier : public Runnable {
 public:
  Notifier() : Runnable(Kind::notifier) {}
  /// Takes the notifier out of the run queue if it is there (its owner is going away).
  ~Notifier();

  /// Queues the notifier behind everything already scheduled; no effect while it is queued.
  void schedule();
  /// Takes it out of the run queue (no effect if it is not queued).
  void cancel();
  bool scheduled() const { return queued; }

  /// Called by the scheduler when the notifier is at the head of the run queue: does the next piece
  /// of its work and returns the greenlet to run now - the notifier then stays at the head and is
  /// called again once that greenlet blocks - or null when it is done (it then leaves the queue).
  /// Runs on the stack of whichever greenlet is switching out: it must not block, and it must not
  /// schedule() itself, except just before returning null (another pass, at the back).
  virtual Fiber* step() = 0;
};

}  // namespace pinfiber::detail
