// fd waits. The hub's FdTable service keeps one slot per fd waited on, with one FdWatch per
// direction reused from wait to wait: restarting a stopped watch with unchanged settings costs no
// system call (the common case of a busy socket: woken -> read -> EAGAIN -> wait), so a wait costs
// nothing beyond the epoll_wait. The price: when an fd is closed and its number reused, the slot must
// be renewed, which is what cancel_wait()/close() do.

#include "pinfiber/io/wait.hpp"

#include <cerrno>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pinfiber/core/detail/fiber.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/hub.hpp"
#include "pinfiber/io/detail/sys.hpp"

namespace pinfiber {

namespace detail {
namespace {

// On the waiting greenlet's stack for the duration of one wait; the slot points to it. (Kept there,
// not in the slot: after a cancel the slot may serve a new waiter on a reused fd number before the
// cancelled one has run.)
struct WaitState {
  Fiber* fiber;
  bool fired = false;
  bool cancelled = false;
};

struct Direction {
  explicit Direction(void* slot) : watch(&Direction::on_ready, slot) {}
  static void on_ready(FdWatch& w, int events);

  FdWatch watch;
  WaitState* waiter = nullptr;
  bool fresh = true;  // needs set() before its next start
};

struct FdSlot {
  FdSlot() : dir{Direction(this), Direction(this)} {}
  Direction dir[2];  // [0] readable, [1] writable
  bool fed_from_outside = false;
};

void Direction::on_ready(FdWatch& w, int events) {
  auto* slot = static_cast<FdSlot*>(w.context());
  for (int i = 0; i < 2; ++i) {
    Direction& d = slot->dir[i];
    if (&d.watch != &w) continue;
    // Stopped until the next wait so a level-triggered fd does not keep firing while the woken
    // greenlet waits for its turn; restarting it with the same settings before the next poll is free.
    w.stop();
    if (d.waiter && (events & (i == 0 ? fd_readable : fd_writable))) {
      d.waiter->fired = true;
      wake(d.waiter->fiber);
    }
  }
}

// The hub's table of fd slots: a service, so it outlives every greenlet that may still unregister.
class FdTable {
 public:
  // Slots are heap-allocated one by one: the event loop holds pointers to active watches, so they
  // must not move when the table grows.
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

FdTable& table() { return hub().service<FdTable>(); }

const char* direction_word(int events) { return events == fd_readable ? "readable" : "writable"; }

[[noreturn]] void throw_closed(int fd, int events) {
  throw Error(EBADF, "wait for fd " + std::to_string(fd) + " to become " + direction_word(events),
              "the fd was closed by another greenlet");
}

}  // namespace

bool wait_fd(int fd, int events, TimePoint deadline) {
  if (fd < 0) throw Error(EBADF, "wait for fd " + std::to_string(fd) + " to become " + direction_word(events));
  FdSlot& slot = table().at(fd);
  Direction& d = slot.dir[events == fd_readable ? 0 : 1];
  if (d.waiter) {
    throw FdBusy(EBUSY, "wait for fd " + std::to_string(fd) + " to become " + direction_word(events),
                 "greenlet '" + d.waiter->fiber->name() +
                     "' is already waiting for that; one reader and one writer per fd at a time");
  }
  if (d.fresh) {
    d.watch.set(fd, events);
    d.fresh = false;
  }
  d.watch.check_before_clock_jump(slot.fed_from_outside);
  WaitState state{current_fiber()};
  d.waiter = &state;
  d.watch.start();
  // Unregisters on every way out: fired, timed out, cancelled, killed. After a cancel the slot may
  // already serve a new waiter on a reused fd number, so only our own registration is undone.
  struct Leave {
    Direction& d;
    WaitState& s;
    ~Leave() {
      if (d.waiter == &s) {
        d.waiter = nullptr;
        d.watch.stop();
      }
    }
  } leave{d, state};
  static constexpr WaitFor kWhat[2] = {{"a readable fd"}, {"a writable fd"}};
  const bool ready =
      wait_until(kWhat[events == fd_readable ? 0 : 1], deadline, [&state] { return state.fired || state.cancelled; });
  if (state.cancelled) throw_closed(fd, events);
  return ready;
}

void set_fed_from_outside(int fd, bool on) { table().at(fd).fed_from_outside = on; }

}  // namespace detail

bool wait_readable(int fd, TimeSpan timeout) { return detail::wait_fd(fd, detail::fd_readable, deadline_in(timeout)); }

bool wait_writable(int fd, TimeSpan timeout) { return detail::wait_fd(fd, detail::fd_writable, deadline_in(timeout)); }

FedFromOutside::FedFromOutside(int fd) : fd_(fd) { detail::set_fed_from_outside(fd_, true); }
FedFromOutside::~FedFromOutside() {
  if (fd_ >= 0) detail::set_fed_from_outside(fd_, false);
}

int cancel_wait(int fd) {
  detail::FdSlot* slot = detail::table().find(fd);
  if (!slot) return 0;
  int woken = 0;
  slot->fed_from_outside = false;
  for (auto& d : slot->dir) {
    d.watch.stop();
    d.fresh = true;
    if (detail::WaitState* w = std::exchange(d.waiter, nullptr)) {
      w->cancelled = true;
      detail::wake(w->fiber);
      ++woken;
    }
  }
  return woken;
}

void close(int fd) {
  if (fd < 0) return;
  cancel_wait(fd);
  if (detail::sys().close(fd) != 0 && errno != EINTR) throw Error(errno, "close fd " + std::to_string(fd));
}

}  // namespace pinfiber
