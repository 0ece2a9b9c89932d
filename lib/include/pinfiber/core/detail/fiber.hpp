#pragma once
// The scheduling unit behind every greenlet (and the main greenlet). Internal: users hold Greenlet<T>.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/intrusive_list.hpp"
#include "pinfiber/core/detail/linkable.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/runnable.hpp"
#include "pinfiber/core/detail/timer.hpp"

namespace pinfiber::detail {

class HubImpl;
class Fiber;

enum class FiberState : std::uint8_t {
  created,    // made by make_greenlet(), not started
  scheduled,  // started, waiting for its first turn (in the run queue, or on a timer: start_later)
  ready,      // in the run queue
  running,
  parked,  // blocked until wake()
  dead,    // finished: returned, threw, or was killed
};

/// Exception state that the C++ runtime keeps per thread (__cxa_get_globals) and that therefore
/// has to be swapped on every switch, or std::current_exception() and std::uncaught_exceptions()
/// of one greenlet would leak into another.
struct EhState {
  void* caught_exceptions = nullptr;
  unsigned int uncaught_exceptions = 0;
#if defined(__ARM_EABI_UNWINDER__)
  void* propagating_exceptions = nullptr;
#endif
};

/// A greenlet's end as a Linkable: join() waits on it, link() callbacks and multi-object waits link
/// to it; they are all served, in the order they came, by one pass queued when the greenlet dies.
class FiberLinks final : public Linkable {
 public:
  explicit FiberLinks(Fiber* owner) : Linkable(Pass::until_empty), owner_(owner) {}
  bool ready() const override;
  Fiber* owner() const { return owner_; }

 private:
  void on_pass_queued() override;
  void on_pass_ended() override;
  Fiber* owner_;
};

/// A queued kill (gevent's `_kill` callback), embedded in its victim.
struct KillRequest : Runnable {
  explicit KillRequest(Fiber* f) : Runnable(Kind::kill), victim(f) {}
  Fiber* victim;
  std::exception_ptr error;
};

class Fiber : public Runnable {
 public:
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  std::uint64_t id() const { return id_; }
  /// The name given at spawn, or "Greenlet-<id>" ("main" for the thread's own greenlet).
  std::string name() const;
  void set_name(std::string name);
  /// The given name, or null when it has the default one (usable from a signal handler).
  const char* name_cstr() const { return name_.empty() ? nullptr : name_.c_str(); }
  FiberState state() const { return state_; }
  bool is_main() const { return is_main_; }
  /// True once the body has begun running.
  bool has_run() const { return has_run_; }
  bool dead() const { return state_ == FiberState::dead; }
  /// The exception the body ended with, or null. A kill (GreenletExit) is not kept here: killed().
  const std::exception_ptr& error() const { return error_; }
  /// True if it ended by GreenletExit (killed, or killed before it started).
  bool killed() const { return killed_; }

  // A Fiber's memory is recycled by its hub (a cache of freed blocks by size), so spawn + join of a
  // short greenlet costs no malloc and no free.
  static void* operator new(std::size_t size);
  static void operator delete(void* p, std::size_t size) noexcept;

  void add_ref() { ++refs_; }
  void release() {
    if (--refs_ == 0) delete this;
  }

  /// Its end, for join, links and multi-object waits.
  FiberLinks& links() { return links_; }

  // Per-greenlet storage for pinfiber::local<T>: an opaque slot the sync layer manages, destroyed
  // by `locals_destroy` when the greenlet finishes (or, for the main greenlet, when the hub ends).
  void* locals = nullptr;
  void (*locals_destroy)(Fiber*) = nullptr;

 protected:
  explicit Fiber(std::size_t stack_size);
  virtual ~Fiber();
  /// The body; whatever it throws is caught by the hub and recorded.
  virtual void run_body() = 0;
  /// Called once the fiber is dead, before links run: drop the body's captures here.
  virtual void on_finished() {}

 private:
  friend class HubImpl;
  friend class FiberLinks;

  // Hot fields first: the switch path touches these.
  void* context_ = nullptr;  // boost::context fcontext_t of a suspended fiber
  FiberState state_ = FiberState::created;
  bool is_main_ = false;
  bool has_run_ = false;
  bool killed_ = false;
  bool timed_out_ = false;
  unsigned refs_ = 1;
  EhState eh_;
  std::exception_ptr interrupt_;  // thrown at the next blocking point (kill, Timeout, LoopExit)
  WaitFor waiting_for_;

  void* stack_ = nullptr;  // lowest usable address of its pooled stack (see StackPool)
  std::size_t stack_size_ = 0;
  std::uint8_t stack_guard_ = 0;
  unsigned stack_valgrind_id_ = 0;
  TimerNode wake_timer_;  // park_until()'s deadline, or start_later()'s start
  void* asan_fake_stack_ = nullptr;
  void* tsan_fiber_ = nullptr;
  const void* asan_stack_bottom_ = nullptr;
  std::size_t asan_stack_size_ = 0;

  std::uint64_t id_ = 0;
  std::string name_;
  std::exception_ptr error_;
  FiberLinks links_{this};
  KillRequest kill_{this};
  struct OwnedNode : ListNode {
    Fiber* owner;
  };
  OwnedNode all_node_{{}, this};  // in the hub's list of live greenlets (killall, shutdown)
};

/// A counted reference to a Fiber; what Greenlet handles hold.
class FiberRef {
 public:
  FiberRef() = default;
  explicit FiberRef(Fiber* f) : f_(f) {
    if (f_) f_->add_ref();
  }
  FiberRef(const FiberRef& o) : FiberRef(o.f_) {}
  FiberRef(FiberRef&& o) noexcept : f_(o.f_) { o.f_ = nullptr; }
  FiberRef& operator=(FiberRef o) noexcept {
    std::swap(f_, o.f_);
    return *this;
  }
  ~FiberRef() {
    if (f_) f_->release();
  }
  Fiber* get() const { return f_; }
  Fiber* operator->() const { return f_; }
  explicit operator bool() const { return f_ != nullptr; }
  friend bool operator==(const FiberRef& a, const FiberRef& b) { return a.f_ == b.f_; }

 private:
  Fiber* f_ = nullptr;
};

}  // namespace pinfiber::detail
