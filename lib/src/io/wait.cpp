// fd waits. Each thread keeps one slot per fd it has waited on, with one ev_io per direction that
// is reused from wait to wait: libev re-registers an fd with the kernel (an epoll_ctl) whenever a
// watcher is freshly initialised (ev_io_set marks it EV__IOFDSET), but not when a stopped watcher
// is started again with the same mask before the next poll. That is the common case of a busy
// socket (woken -> read -> EAGAIN -> wait), so a wait costs no system call beyond the epoll_wait.
// The price: when an fd is closed and its number reused, the slot must be re-initialised, which is
// what cancel_wait()/close() do.

#include "pinfiber/io/wait.hpp"

#include <ev.h>
#include <poll.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/io/detail/sys.hpp"

namespace pinfiber {

namespace detail {
namespace {

// On the waiting greenlet's stack for the duration of one wait; the slot points to it.
struct WaitState {
  Fiber* fiber;
  bool fired = false;
  bool cancelled = false;
};

struct Direction {
  ev_io io{};
  WaitState* waiter = nullptr;
  bool fresh = true;  // needs ev_io_set before its next start
};

struct FdSlot {
  Direction dir[2];  // [0] readable, [1] writable
};

void on_io(struct ev_loop* loop, ev_io* w, int) {
  auto* d = static_cast<Direction*>(w->data);
  // Stopped until the next wait so a level-triggered fd does not keep firing while the woken
  // greenlet waits for its turn; restarting with the same mask before the next poll is free.
  ev_io_stop(loop, w);
  if (WaitState* s = d->waiter) {
    s->fired = true;
    unpark(s->fiber);
  }
}

class FdTable {
 public:
  // Slots are heap-allocated one by one: libev holds pointers to active watchers, so they must not
  // move when the table grows.
  FdSlot& at(int fd) {
    const auto i = static_cast<std::size_t>(fd);
    if (i >= slots_.size()) slots_.resize(i + 1 > slots_.size() * 2 ? i + 1 : slots_.size() * 2);
    if (!slots_[i]) slots_[i] = std::make_unique<FdSlot>();
    return *slots_[i];
  }
  FdSlot* find(int fd) {
    const auto i = static_cast<std::size_t>(fd);
    return fd >= 0 && i < slots_.size() ? slots_[i].get() : nullptr;
  }

 private:
  std::vector<std::unique_ptr<FdSlot>> slots_;
};

// Owned by the hub, not a thread_local: greenlets killed when the hub ends still unregister from it,
// and a thread_local made after the hub would already be gone by then.
FdTable& table() {
  static const char key = 0;
  return *static_cast<FdTable*>(hub().extension(
      &key, [] { return static_cast<void*>(new FdTable); }, [](void* t) { delete static_cast<FdTable*>(t); }));
}

const char* direction_word(int events) { return events == fd_readable ? "readable" : "writable"; }

[[noreturn]] void throw_closed(int fd, int events) {
  throw std::system_error(EBADF, std::generic_category(),
                          "wait for fd " + std::to_string(fd) + " to become " + direction_word(events) +
                              ": the fd was closed by another greenlet");
}

}  // namespace

bool wait_fd(int fd, int events, TimePoint deadline) {
  if (fd < 0) {
    throw std::system_error(EBADF, std::generic_category(),
                            "wait for fd " + std::to_string(fd) + " to become " + direction_word(events));
  }
  if (deadline <= Clock::now()) {
    // Nothing to wait for, but "is it ready now?" still deserves an answer (a zero timeout polls).
    pollfd p{fd, static_cast<short>(events == fd_readable ? POLLIN : POLLOUT), 0};
    return ::poll(&p, 1, 0) == 1;
  }
  Direction& d = table().at(fd).dir[events == fd_readable ? 0 : 1];
  if (d.waiter) {
    throw FdBusy("wait for fd " + std::to_string(fd) + " to become " + direction_word(events) + ": greenlet '" +
                 d.waiter->fiber->name() +
                 "' is already waiting for that (one reader and one writer per fd at a time)");
  }
  struct ev_loop* loop = hub().loop();
  if (d.fresh) {
    ev_io_init(&d.io, &on_io, fd, events);
    d.io.data = &d;
    d.fresh = false;
  }
  WaitState state{current_fiber()};
  d.waiter = &state;
  ev_io_start(loop, &d.io);
  // Unregisters on every way out: fired, timed out, cancelled, killed. After a cancel the slot may
  // already serve a new waiter on a reused fd number, so only our own registration is undone.
  struct Leave {
    Direction& d;
    WaitState& s;
    struct ev_loop* loop;
    ~Leave() {
      if (d.waiter == &s) {
        d.waiter = nullptr;
        ev_io_stop(loop, &d.io);
      }
    }
  } leave{d, state, loop};
  static constexpr WaitFor kWhat[2] = {{"a readable fd"}, {"a writable fd"}};
  const WaitFor& what = kWhat[events == fd_readable ? 0 : 1];
  while (!state.fired && !state.cancelled) {
    if (!park_until(what, deadline)) {
      if (state.fired || state.cancelled) break;  // became ready at the deadline itself
      return false;
    }
  }
  if (state.cancelled) throw_closed(fd, events);
  return true;
}

}  // namespace detail

bool wait_readable(int fd, Duration timeout) {
  return detail::wait_fd(fd, detail::fd_readable, deadline_after(Clock::now(), timeout));
}

bool wait_writable(int fd, Duration timeout) {
  return detail::wait_fd(fd, detail::fd_writable, deadline_after(Clock::now(), timeout));
}

int cancel_wait(int fd) {
  detail::FdSlot* slot = detail::table().find(fd);
  if (!slot) return 0;
  int woken = 0;
  for (auto& d : slot->dir) {
    if (ev_is_active(&d.io)) ev_io_stop(hub().loop(), &d.io);
    d.fresh = true;
    if (detail::WaitState* s = std::exchange(d.waiter, nullptr)) {
      s->cancelled = true;
      detail::unpark(s->fiber);
      ++woken;
    }
  }
  return woken;
}

void close(int fd) {
  if (fd < 0) return;
  cancel_wait(fd);
  if (detail::sys().close(fd) != 0 && errno != EINTR) {
    throw std::system_error(errno, std::generic_category(), "close fd " + std::to_string(fd));
  }
}

}  // namespace pinfiber
