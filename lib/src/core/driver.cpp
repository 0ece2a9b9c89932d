// The event driver: libev, and nothing else of the library touches it.

#include "core/driver.hpp"

#include <ev.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <new>

#include "core/hub_impl.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::detail {

static_assert(sizeof(ev_io) <= kWatcherStorage && alignof(ev_io) <= 8, "an FdWatch holds an ev_io");
static_assert(sizeof(ev_signal) <= kWatcherStorage && alignof(ev_signal) <= 8, "a SignalWatch holds an ev_signal");
static_assert(sizeof(ev_timer) <= kWatcherStorage && alignof(ev_timer) <= 8, "a RealTimer holds an ev_timer");

struct Driver::Internals {
  ev_async async{};
  ev_io timer_io{};
  int timer_fd = -1;
  RealTime armed_at = RealTime::max();
  void (*on_wake)(void*) = nullptr;
  void* on_wake_context = nullptr;

  static void on_async(struct ev_loop* loop, ev_async*, int) {
    auto* self = static_cast<Internals*>(ev_userdata(loop));
    if (self->on_wake) self->on_wake(self->on_wake_context);
  }
  static void on_timer_fd(struct ev_loop* loop, ev_io*, int) {
    auto* self = static_cast<Internals*>(ev_userdata(loop));
    std::uint64_t expirations;
    // Clears the readiness; the hub fires its due timers right after the poll, from its own heap.
    while (::read(self->timer_fd, &expirations, sizeof expirations) < 0 && errno == EINTR) {
    }
    self->armed_at = RealTime::max();
  }
};

Driver::Driver() {
  loop_ = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
  if (!loop_) throw Error("create the hub's event loop: ev_loop_new failed");
  in_ = new Internals;
  ev_set_userdata(loop_, in_);
  ev_async_init(&in_->async, &Internals::on_async);
  ev_async_start(loop_, &in_->async);
  ev_unref(loop_);  // a possible wake() alone does not keep the hub alive; set_held does
  in_->timer_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (in_->timer_fd < 0) {
    const int err = errno;
    ev_ref(loop_);
    ev_async_stop(loop_, &in_->async);
    ev_loop_destroy(loop_);
    delete in_;
    throw Error(err, "create the hub's timer (timerfd_create)");
  }
  ev_io_init(&in_->timer_io, &Internals::on_timer_fd, in_->timer_fd, EV_READ);
  ev_io_start(loop_, &in_->timer_io);
  ev_unref(loop_);  // the hub counts its own timers
}

Driver::~Driver() {
  set_held(false);
  ev_ref(loop_);
  ev_io_stop(loop_, &in_->timer_io);
  ev_ref(loop_);
  ev_async_stop(loop_, &in_->async);
  ::close(in_->timer_fd);
  ev_loop_destroy(loop_);
  delete in_;
}

Driver& Driver::current() { return HubImpl::current().driver(); }

bool Driver::poll(bool block, RealTime wake_at) {
  if (!block) return ev_run(loop_, EVRUN_NOWAIT) != 0;
  if (wake_at != RealTime::max() && wake_at != in_->armed_at) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wake_at.time_since_epoch()).count();
    itimerspec spec{};
    // A deadline at or before the epoch's zero would disarm the timer: one nanosecond is "now".
    const auto at = ns > 0 ? ns : 1;
    spec.it_value.tv_sec = static_cast<time_t>(at / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(at % 1000000000);
    if (::timerfd_settime(in_->timer_fd, TFD_TIMER_ABSTIME, &spec, nullptr) == 0) in_->armed_at = wake_at;
  }
  // The timerfd's watch is unreferenced (the hub counts its own timers), and libev does not block at
  // all when nothing referenced is active: while a deadline is armed it must count, or a lone sleep
  // would spin.
  const bool timed = wake_at != RealTime::max();
  if (timed) ev_ref(loop_);
  const int active = ev_run(loop_, EVRUN_ONCE);
  if (timed) ev_unref(loop_);
  return active - (timed ? 1 : 0) > 0;
}

void Driver::wake() { ev_async_send(loop_, &in_->async); }

void Driver::on_wake(void (*fn)(void*), void* context) {
  in_->on_wake = fn;
  in_->on_wake_context = context;
}

void Driver::set_held(bool held) {
  if (held == held_) return;
  held_ = held;
  if (held) {
    ev_ref(loop_);
  } else {
    ev_unref(loop_);
  }
}

std::uint64_t Driver::iterations() const { return ev_iteration(loop_); }

void Driver::track_checked(FdWatch* w, bool on) {
  if (on) {
    checked_.push_back(w);
  } else {
    std::erase(checked_, w);
  }
}

bool Driver::check_before_clock_jump() {
  bool any = false;
  // A copy: a callback may stop watches (its own included), which edits checked_.
  const std::vector<FdWatch*> watches = checked_;
  for (FdWatch* w : watches) {
    if (std::find(checked_.begin(), checked_.end(), w) == checked_.end()) continue;
    const ev_io* io = std::launder(reinterpret_cast<const ev_io*>(w->storage_));
    pollfd p{io->fd,
             static_cast<short>(((io->events & EV_READ) ? POLLIN : 0) | ((io->events & EV_WRITE) ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 0) != 1 || p.revents == 0) continue;
    const int events = ((p.revents & (POLLIN | POLLHUP | POLLERR)) ? fd_readable : 0) |
                       ((p.revents & (POLLOUT | POLLERR)) ? fd_writable : 0);
    any = true;
    w->cb_(*w, events);
  }
  return any;
}

// --- watches --------------------------------------------------------------------------------------

namespace {
ev_io* io_of(unsigned char* storage) { return std::launder(reinterpret_cast<ev_io*>(storage)); }
const ev_io* io_of(const unsigned char* storage) { return std::launder(reinterpret_cast<const ev_io*>(storage)); }
struct ev_loop* loop() {
  return Driver::current().loop();
}
void counted(int delta) { Driver::current().count_watch(delta); }
}  // namespace

FdWatch::FdWatch(Callback cb, void* context) : cb_(cb), context_(context) {
  ev_io* w = new (storage_) ev_io;
  ev_init(
      w, +[](struct ev_loop*, ev_io* io, int revents) {
        auto* self = static_cast<FdWatch*>(io->data);
        self->cb_(*self, ((revents & EV_READ) ? fd_readable : 0) | ((revents & EV_WRITE) ? fd_writable : 0));
      });
  w->data = this;
  w->fd = -1;
}

FdWatch::~FdWatch() { stop(); }

void FdWatch::set(int fd, int events) {
  const bool was_active = active();
  if (was_active) stop();
  ev_io_set(io_of(storage_), fd, ((events & fd_readable) ? EV_READ : 0) | ((events & fd_writable) ? EV_WRITE : 0));
  if (was_active) start();
}

void FdWatch::start() {
  ev_io* w = io_of(storage_);
  if (ev_is_active(w)) return;
  struct ev_loop* l = loop();
  ev_io_start(l, w);
  counted(+1);
  if (check_before_jump_) Driver::current().track_checked(this, true);
  if (!keeps_alive_) {
    ev_unref(l);
    unref_taken_ = true;
  }
}

void FdWatch::stop() {
  ev_io* w = io_of(storage_);
  if (!ev_is_active(w)) return;
  struct ev_loop* l = loop();
  if (unref_taken_) {
    ev_ref(l);  // libev requires the reference back before the watcher stops
    unref_taken_ = false;
  }
  ev_io_stop(l, w);
  counted(-1);
  if (check_before_jump_) Driver::current().track_checked(this, false);
}

void FdWatch::check_before_clock_jump(bool on) {
  if (on == check_before_jump_) return;
  if (active()) Driver::current().track_checked(this, on);
  check_before_jump_ = on;
}

bool FdWatch::active() const { return ev_is_active(io_of(storage_)); }
int FdWatch::fd() const { return io_of(storage_)->fd; }

void FdWatch::keep_alive(bool on) {
  if (on == keeps_alive_) return;
  const bool was_active = active();
  if (was_active) stop();
  keeps_alive_ = on;
  if (was_active) start();
}

SignalWatch::SignalWatch(int signum, Callback cb, void* context) : cb_(cb), context_(context), signum_(signum) {
  auto* w = new (storage_) ev_signal;
  ev_signal_init(
      w,
      +[](struct ev_loop*, ev_signal* s, int) {
        auto* self = static_cast<SignalWatch*>(s->data);
        self->cb_(*self);
      },
      signum);
  w->data = this;
}

SignalWatch::~SignalWatch() { stop(); }

void SignalWatch::start() {
  auto* w = std::launder(reinterpret_cast<ev_signal*>(storage_));
  if (ev_is_active(w)) return;
  struct ev_loop* l = loop();
  ev_signal_start(l, w);
  counted(+1);
  ev_unref(l);  // a signal that may never come does not keep the hub alive
}

void SignalWatch::stop() {
  auto* w = std::launder(reinterpret_cast<ev_signal*>(storage_));
  if (!ev_is_active(w)) return;
  struct ev_loop* l = loop();
  ev_ref(l);
  ev_signal_stop(l, w);
  counted(-1);
}

bool SignalWatch::active() const { return ev_is_active(std::launder(reinterpret_cast<const ev_signal*>(storage_))); }

RealTimer::RealTimer(Callback cb, void* context) : cb_(cb), context_(context) {
  auto* w = new (storage_) ev_timer;
  ev_init(
      w, +[](struct ev_loop*, ev_timer* t, int) {
        auto* self = static_cast<RealTimer*>(t->data);
        counted(-1);  // a one-shot timer is no longer active once it fired
        if (self->unref_taken_) {
          // libev stopped it, which took a reference the unref had already given back: return it.
          ev_ref(loop());
          self->unref_taken_ = false;
        }
        self->cb_(*self);
      });
  w->data = this;
}

RealTimer::~RealTimer() { stop(); }

void RealTimer::start(Duration after) {
  auto* w = std::launder(reinterpret_cast<ev_timer*>(storage_));
  struct ev_loop* l = loop();
  if (ev_is_active(w)) stop();
  ev_now_update(l);  // libev measures from its cached time, which may be stale between polls
  ev_timer_set(w, std::chrono::duration<double>(after).count(), 0.0);
  ev_timer_start(l, w);
  counted(+1);
  if (!keeps_alive_) {
    ev_unref(l);
    unref_taken_ = true;
  }
}

void RealTimer::stop() {
  auto* w = std::launder(reinterpret_cast<ev_timer*>(storage_));
  if (!ev_is_active(w)) return;
  struct ev_loop* l = loop();
  if (unref_taken_) {
    ev_ref(l);  // libev requires the reference back before the watcher stops
    unref_taken_ = false;
  }
  ev_timer_stop(l, w);
  counted(-1);
}

void RealTimer::keep_alive(bool on) {
  if (on == keeps_alive_) return;
  auto* w = std::launder(reinterpret_cast<ev_timer*>(storage_));
  if (ev_is_active(w)) {
    struct ev_loop* l = loop();
    if (on) {
      ev_ref(l);
      unref_taken_ = false;
    } else {
      ev_unref(l);
      unref_taken_ = true;
    }
  }
  keeps_alive_ = on;
}

bool RealTimer::active() const { return ev_is_active(std::launder(reinterpret_cast<const ev_timer*>(storage_))); }

}  // namespace pinfiber::detail
