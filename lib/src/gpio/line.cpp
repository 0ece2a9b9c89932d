// Input and output lines: event reading, debounce, dispatch to waiters and handlers.
//
// Who reads the request's fd: at most one greenlet at a time (`reading`), so events are read in bulk
// once and handed out, instead of every waiter racing for the same read. With handlers registered
// that is the line's pump greenlet, for as long as there are handlers; otherwise it is the first
// greenlet in wait_edge, and when it leaves (event, timeout, kill) the others take over.

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

#include "gpio/state.hpp"
#include "pinfiber/core/detail/park.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/errors.hpp"
#include "pinfiber/gpio/error.hpp"
#include "pinfiber/io/wait.hpp"

namespace pinfiber::gpio {

namespace detail {

namespace {
// The kernel's per-request event FIFO holds 16 events (gpiolib-cdev, uAPI v1); reading that many at
// once empties it in one system call.
constexpr std::size_t kEventBatch = 16;

void wake_waiters_without_event(InputState& st) {
  for (EdgeWaiter* w : st.waiters)
    if (!w->got) pinfiber::detail::wake(w->fiber);
}
}  // namespace

void InputState::read_round(TimePoint deadline) {
  reading = true;
  struct Done {
    InputState& st;
    ~Done() {
      st.reading = false;
      // Whoever waits without an event re-checks and one of them reads next.
      wake_waiters_without_event(st);
    }
  } done{*this};
  const TimePoint until = debouncer ? std::min(deadline, debouncer->deadline()) : deadline;
  if (until > Clock::now()) {
    try {
      pinfiber::detail::wait_fd(request->event_fd(), pinfiber::detail::fd_readable, until);
    } catch (const Error&) {
      // EBADF: the line was released (its fd closed) while we waited.
      if (!request) throw GpioError(EBADF, "wait for an edge on " + description(), "the line was released");
      rethrow_as_gpio_error("wait for an edge on " + description());
    }
  }
  pump_events();
}

void InputState::pump_events() {
  if (!request) return;
  std::array<EdgeEvent, kEventBatch> buf;
  for (;;) {
    bool lost_flag = false;
    std::size_t n = 0;
    try {
      n = request->read_events(buf, lost_flag);
    } catch (...) {
      rethrow_as_gpio_error("read events of " + description());
    }
    for (std::size_t i = 0; i < n; ++i) {
      EdgeEvent ev = buf[i];
      ev.offset = offset;
      if (seqnos) {
        // uAPI v2 numbers each line's events; the kernel drops the oldest when its queue is full, so
        // a gap before this one is exactly what was lost.
        if (ev.seqno > last_seqno + 1) ++lost, lost_events += ev.seqno - last_seqno - 1, gap = true;
        last_seqno = ev.seqno;
      } else if ((debouncer || settings.edge == Edge::both) && ev.edge == last_raw && !gap) {
        // uAPI v1 cannot say that its queue overflowed; two edges of one kind in a row on a line
        // that reports both kinds can only mean the other one in between was dropped.
        ++lost, ++lost_events, gap = true;
      }
      if (std::exchange(gap, false)) ev.lost_before = true;
      last_raw = ev.edge;
      if (debouncer) {
        debouncer->on_raw(ev);
      } else {
        deliver(ev);
      }
    }
    if (lost_flag) {
      ++lost, ++lost_events;
      gap = true;
      // Whatever was dropped, the level is re-read once the line has been quiet for the period.
      if (debouncer) debouncer->on_lost(Clock::now());
    }
    if (n < buf.size()) break;
  }
  if (debouncer && debouncer->due(Clock::now())) {
    bool level;
    try {
      level = request->get_value();
    } catch (...) {
      rethrow_as_gpio_error("read " + description());
    }
    if (auto ev = debouncer->settle(level); ev && edge_matches(settings.edge, ev->edge)) deliver(*ev);
  }
}

void InputState::deliver(const EdgeEvent& ev) {
  if (!edge_matches(settings.edge, ev.edge)) return;
  bool taken = false;
  for (EdgeWaiter* w : waiters) {
    if (!w->got && edge_matches(w->which, ev.edge)) {
      w->got = ev;
      pinfiber::detail::wake(w->fiber);
      taken = true;
      break;
    }
  }
  if (handlers.empty()) {
    if (!taken) queued.push_back(ev);
    return;
  }
  std::erase_if(running, [](const GreenletBase& g) { return g.dead(); });
  for (auto& [edge, handler] : handlers) {
    if (!edge_matches(edge, ev.edge)) continue;
    running.push_back(
        spawn_with(SpawnOptions{.name = "gpio handler of " + description()}, [h = handler, ev] { h(ev); }));
  }
}

void InputState::start_pump() {
  if (pump && !pump.dead()) return;
  pump = spawn_with(SpawnOptions{.name = "gpio events of " + description()}, [this] {
    for (;;) read_round(TimePoint::max());
  });
}

void InputState::stop(bool kill_handlers) {
  if (pump) {
    GreenletBase p = std::exchange(pump, GreenletBase());
    if (p.fiber() != getcurrent().fiber()) p.kill();
  }
  if (kill_handlers) {
    std::vector<GreenletBase> live;
    live.swap(running);
    const GreenletBase self = getcurrent();
    std::erase_if(live, [&](const GreenletBase& g) { return g == self || g.dead(); });
    if (!live.empty()) killall(std::span<const GreenletBase>(live));
  }
}

}  // namespace detail

// --- InputLine -------------------------------------------------------------------------------------

InputLine::InputLine(std::shared_ptr<detail::InputState> state) : state_(std::move(state)) {}
InputLine::InputLine(InputLine&&) noexcept = default;
InputLine& InputLine::operator=(InputLine&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}
InputLine::~InputLine() { release(); }

namespace {
[[noreturn]] void throw_released(const char* action) {
  throw GpioError(EBADF, std::string(action) + " a released line", "request it again from its Chip");
}
}  // namespace

bool InputLine::get() const {
  if (!state_ || !state_->request) throw_released("read");
  try {
    return state_->request->get_value();
  } catch (...) {
    detail::rethrow_as_gpio_error("read " + state_->description());
  }
}

std::optional<EdgeEvent> InputLine::wait_edge(Edge which, TimeSpan timeout) {
  if (!state_ || !state_->request) throw_released("wait for an edge on");
  std::shared_ptr<detail::InputState> st = state_;  // a release() while we wait must not free it
  if (st->settings.edge == Edge::none)
    throw GpioError(EINVAL, "wait for an edge on " + st->description(), "it was requested with Edge::none");
  if (which == Edge::none) which = Edge::both;
  const TimePoint deadline = deadline_in(timeout);

  // Take what already arrived first: events that queued while nobody was reading, oldest first.
  st->pump_events();
  while (!st->queued.empty()) {
    EdgeEvent ev = st->queued.front();
    st->queued.pop_front();
    if (edge_matches(which, ev.edge)) return ev;
  }

  detail::EdgeWaiter me{which, std::nullopt, pinfiber::detail::current_fiber()};
  st->waiters.push_back(&me);
  struct Leave {
    detail::InputState& s;
    detail::EdgeWaiter* w;
    ~Leave() { std::erase(s.waiters, w); }
  } leave{*st, &me};
  // One greenlet at a time reads the line's events for everyone (see the top of this file); the
  // others wait to be handed one, or to take over the reading when that greenlet leaves.
  for (;;) {
    if (me.got) return me.got;
    if (!st->request) throw GpioError(EBADF, "wait for an edge on " + st->description(), "the line was released");
    if (!st->reading && !(st->pump && !st->pump.dead())) {
      if (Clock::now() >= deadline) return std::nullopt;
      st->read_round(deadline);
      continue;
    }
    const bool woken = pinfiber::detail::wait_until({"a GPIO edge"}, deadline, [&] {
      return me.got || !st->request || (!st->reading && !(st->pump && !st->pump.dead()));
    });
    if (!woken) return me.got;
  }
}

void InputLine::on_rising(EdgeHandler handler) {
  if (!state_ || !state_->request) throw_released("add a handler to");
  if (state_->settings.edge == Edge::none)
    throw GpioError(EINVAL, "add a handler to " + state_->description(), "it was requested with Edge::none");
  state_->handlers.emplace_back(Edge::rising, std::move(handler));
  state_->start_pump();
}

void InputLine::on_falling(EdgeHandler handler) {
  if (!state_ || !state_->request) throw_released("add a handler to");
  if (state_->settings.edge == Edge::none)
    throw GpioError(EINVAL, "add a handler to " + state_->description(), "it was requested with Edge::none");
  state_->handlers.emplace_back(Edge::falling, std::move(handler));
  state_->start_pump();
}

void InputLine::on_edge(EdgeHandler handler) {
  if (!state_ || !state_->request) throw_released("add a handler to");
  if (state_->settings.edge == Edge::none)
    throw GpioError(EINVAL, "add a handler to " + state_->description(), "it was requested with Edge::none");
  state_->handlers.emplace_back(Edge::both, std::move(handler));
  state_->start_pump();
}

void InputLine::clear_handlers() {
  if (!state_) return;
  state_->handlers.clear();
  state_->stop(false);
}

std::uint64_t InputLine::lost_count() const { return state_ ? state_->lost : 0; }
std::uint64_t InputLine::lost_events() const { return state_ ? state_->lost_events : 0; }
unsigned InputLine::offset() const { return state_ ? state_->offset : 0; }
std::string InputLine::description() const { return state_ ? state_->description() : "a released line"; }

void InputLine::release() {
  if (!state_) return;
  std::shared_ptr<detail::InputState> st = std::move(state_);
  st->handlers.clear();
  st->stop(true);
  st->request.reset();
  st->queued.clear();
  detail::wake_waiters_without_event(*st);
}

// --- OutputLine ------------------------------------------------------------------------------------

OutputLine::OutputLine(std::shared_ptr<detail::OutputState> state) : state_(std::move(state)) {}
OutputLine::OutputLine(OutputLine&&) noexcept = default;
OutputLine& OutputLine::operator=(OutputLine&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}
OutputLine::~OutputLine() { release(); }

bool OutputLine::get() const {
  if (!state_) throw_released("read");
  try {
    return state_->request->get_value();
  } catch (...) {
    detail::rethrow_as_gpio_error("read " + state_->description());
  }
}

void OutputLine::set(bool value) {
  if (!state_) throw_released("set");
  try {
    state_->request->set_value(value);
  } catch (...) {
    detail::rethrow_as_gpio_error("set " + state_->description());
  }
}

bool OutputLine::toggle() {
  const bool v = !get();
  set(v);
  return v;
}

unsigned OutputLine::offset() const { return state_ ? state_->offset : 0; }
std::string OutputLine::description() const { return state_ ? state_->description() : "a released line"; }
void OutputLine::release() { state_.reset(); }

}  // namespace pinfiber::gpio
