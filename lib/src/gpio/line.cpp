// Input and output lines: event reading, debounce, lost-edge recovery, dispatch to waiters and
// handlers.
//
// Who reads the request's fd. While the line has handlers (or a device's observer, as a Button has),
// the hub itself does, through an FdWatch: its callback reads the events in bulk and hands each one
// to the waiting greenlets, the observer and the handlers' queue - no greenlet is spawned or switched
// to on the way. Otherwise at most one greenlet at a time reads (`reading`), so events are read in
// bulk once and handed out instead of every waiter racing for the same read: the first greenlet in
// wait_edge, and when it leaves (event, timeout, kill) the others take over.
//
// Handlers run in one greenlet per line (`runner`), one after another in the order the events came,
// each event's handlers in the order they were added. One greenlet rather than one per event (as
// before): no spawn, no stack taken per edge, and the order a user sees is the order of the edges.
// A handler may block (gpiozero's callbacks run in a thread and may too); events meanwhile wait in
// `pending`, and the hub keeps reading, so waiters, Button's state and lost-edge detection stay live.

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>
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
// Events waiting for a blocked handler: beyond this the oldest are dropped and counted as lost, as the
// kernel's own queue does (uAPI v2), so a handler that never returns costs bounded memory.
constexpr std::size_t kPendingCapacity = 1024;

void wake_waiters_without_event(InputState& st) {
  for (EdgeWaiter* w : st.waiters)
    if (!w->got) pinfiber::detail::wake(w->fiber);
}

void on_readable(pinfiber::detail::FdWatch& w, int) { static_cast<InputState*>(w.context())->pump_events(); }

void on_settle(pinfiber::detail::TimerNode* n) { static_cast<InputState*>(n->context)->pump_events(); }

// Now on the line's event clock, for a synthetic event.
std::int64_t event_clock_now(EventClock clock) {
  if (clock == EventClock::realtime) {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
  return Clock::now().time_since_epoch().count();  // CLOCK_MONOTONIC (or the paused test clock)
}
}  // namespace

InputState::InputState() : watch(&on_readable, this) {
  settle_timer.fire = &on_settle;
  settle_timer.context = this;
}

InputState::~InputState() { pinfiber::detail::disarm_timer(settle_timer); }

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
  if (dispatching) {
    // In the hub (the watch's or the timer's callback) nothing may be thrown: a failure stops the
    // reading and goes to those who wait for events, each of whom throws it.
    try {
      if (failure) return;
      drain();
      resync();
    } catch (...) {
      failure = std::current_exception();
      watch.stop();
      pinfiber::detail::disarm_timer(settle_timer);
      wake_runner();
      wake_waiters_without_event(*this);
      return;
    }
    if (debouncer && debouncer->deadline() != TimePoint::max()) {
      pinfiber::detail::arm_timer(settle_timer, debouncer->deadline());
    } else {
      pinfiber::detail::disarm_timer(settle_timer);
    }
    return;
  }
  drain();
  resync();
}

std::size_t InputState::drain() {
  std::array<EdgeEvent, kEventBatch> buf;
  std::size_t total = 0;
  for (;;) {
    bool lost_flag = false;
    std::size_t n = 0;
    try {
      n = request->read_events(buf, lost_flag);
    } catch (...) {
      rethrow_as_gpio_error("read events of " + description());
    }
    total += n;
    for (std::size_t i = 0; i < n; ++i) {
      EdgeEvent ev = buf[i];
      ev.offset = offset;
      if (synthetic_edge) {
        // The real event a synthetic one stood for (its edge had not been queued yet when the level
        // was re-read) is not reported twice.
        const Edge stood_for = *std::exchange(synthetic_edge, std::nullopt);
        if (ev.edge == stood_for && !seqnos) continue;
        if (ev.edge == stood_for && seqnos && ev.seqno == last_seqno + 1) {
          last_seqno = ev.seqno;
          continue;
        }
      }
      if (seqnos) {
        // uAPI v2 numbers each line's events; the kernel drops the oldest when its queue is full, so
        // a gap before this one is exactly what was lost.
        if (ev.seqno > last_seqno + 1) {
          ++lost, lost_events += ev.seqno - last_seqno - 1, gap = true;
          suspect = counted = true;
        }
        last_seqno = ev.seqno;
      } else if ((debouncer || settings.edge == Edge::both) && ev.edge == last_raw && !gap) {
        // uAPI v1 cannot say that its queue overflowed; two edges of one kind in a row on a line
        // that reports both kinds can only mean the other one in between was dropped.
        ++lost, ++lost_events, gap = true;
        suspect = counted = true;
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
      suspect = counted = true;
    }
    // The v1 kernel drops the newest events of a full queue and says nothing: a full read may be one.
    if (n == buf.size() && !seqnos) suspect = true;
    if (n < buf.size()) break;
  }
  if (suspect && debouncer) {
    // Whatever was dropped, the level is re-read once the line has been quiet for the period (a
    // full read alone proves nothing: the raw edges read restart that period anyway).
    if (counted) debouncer->on_lost(Clock::now());
    suspect = counted = false;
  }
  if (debouncer && debouncer->due(Clock::now())) {
    bool now_level;
    try {
      now_level = request->get_value();
    } catch (...) {
      rethrow_as_gpio_error("read " + description());
    }
    if (auto ev = debouncer->settle(now_level); ev && edge_matches(settings.edge, ev->edge)) deliver(*ev);
  }
  return total;
}

void InputState::resync() {
  // After a loss the last event delivered may not be the line's level (uAPI v1 drops the newest
  // events: a press whose release was dropped would stay pressed for good). The level is re-read with
  // the queue empty and, if it differs, reported as a synthetic event. Only on lines that report both
  // edges (a rising-only line says nothing about its level in between) and without software debounce
  // (the debouncer re-reads the level itself).
  if (!suspect || debouncer || settings.edge != Edge::both) {
    suspect = counted = false;
    return;
  }
  for (int round = 0; round < 3; ++round) {
    bool now_level;
    try {
      now_level = request->get_value();
    } catch (...) {
      rethrow_as_gpio_error("read " + description());
    }
    // An edge after the queue was emptied may have queued its event meanwhile: those come first, and
    // the level is looked at again after them.
    if (drain() > 0) continue;
    if (level && *level != now_level) {
      if (!counted) ++lost, ++lost_events;  // a silent v1 overflow, proven by the level
      EdgeEvent ev;
      ev.edge = now_level ? Edge::rising : Edge::falling;
      ev.timestamp_ns = event_clock_now(settings.clock);
      ev.offset = offset;
      ev.lost_before = true;
      ev.seqno = last_seqno;
      ev.synthetic = true;
      gap = false;  // reported here; the next real event is not after a gap
      last_raw = ev.edge;
      synthetic_edge = ev.edge;
      deliver(ev);
    }
    break;
  }
  suspect = counted = false;
}

void InputState::deliver(const EdgeEvent& ev) {
  if (!edge_matches(settings.edge, ev.edge)) return;
  level = ev.edge == Edge::rising;
  bool taken = false;
  for (EdgeWaiter* w : waiters) {
    if (!w->got && edge_matches(w->which, ev.edge)) {
      w->got = ev;
      pinfiber::detail::wake(w->fiber);
      taken = true;
      break;
    }
  }
  const bool to_handlers = !observer || observer(ev);
  if (!dispatching) {
    if (!taken) queued.push_back(ev);
    return;
  }
  if (!to_handlers || handlers.empty()) return;
  if (pending.size() >= kPendingCapacity) {
    pending.pop_front();
    ++lost, ++lost_events;
    pending.front().lost_before = true;
  }
  pending.push_back(ev);
  wake_runner();
}

void InputState::wake_runner() {
  if (runner_idle && runner && !runner.dead()) pinfiber::detail::wake(runner.fiber());
}

void InputState::run_handlers() {
  for (;;) {
    runner_idle = true;
    struct Busy {
      bool& idle;
      ~Busy() { idle = false; }
    } busy{runner_idle};
    pinfiber::detail::wait_until({"GPIO events for handlers"}, TimePoint::max(),
                                 [&] { return !pending.empty() || failure || handlers.empty() || !request; });
    runner_idle = false;
    if (failure) std::rethrow_exception(failure);
    if (handlers.empty() || !request) return;
    const EdgeEvent ev = pending.front();
    pending.pop_front();
    // By index, each handler held while it runs: a handler may add or clear handlers.
    for (std::size_t i = 0; i < handlers.size(); ++i) {
      if (!edge_matches(handlers[i].first, ev.edge)) continue;
      const std::shared_ptr<EdgeHandler> h = handlers[i].second;
      try {
        (*h)(ev);
      } catch (const GreenletExit&) {
        throw;  // release() or the hub's end
      } catch (...) {
        // Reported like any greenlet's failure: this greenlet ends with it, and a new one (spawned
        // only here, never per event) serves the events still to come.
        runner = GreenletBase();
        if (request && !handlers.empty()) start_dispatch();
        throw;
      }
    }
  }
}

void InputState::start_dispatch() {
  if (!dispatching) {
    dispatching = true;
    failure = nullptr;
    watch.set(request->event_fd(), pinfiber::detail::fd_readable);
    watch.start();
    // A greenlet reading for the waiters hands over to the hub at its next wake-up.
    wake_waiters_without_event(*this);
  }
  if (!handlers.empty() && (!runner || runner.dead())) {
    // It keeps the state alive while it runs (a handler may release its own line, which drops the
    // InputLine's reference), but not while nobody holds the line: release() kills it first.
    runner = spawn_with(SpawnOptions{.name = "gpio handlers of " + description()}, [weak = weak_from_this()] {
      if (const std::shared_ptr<InputState> self = weak.lock()) self->run_handlers();
    });
  }
}

void InputState::stop_dispatch(bool kill_runner) {
  dispatching = false;
  watch.stop();
  pinfiber::detail::disarm_timer(settle_timer);
  pending.clear();
  if (kill_runner && runner) {
    GreenletBase r = std::exchange(runner, GreenletBase());
    if (r.fiber() != getcurrent().fiber()) r.kill();
  } else {
    wake_runner();  // it finds nothing to do and ends; a handler running now finishes first
  }
  // Waiters that counted on the hub's reading take it over.
  wake_waiters_without_event(*this);
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
  // The hub reads for everyone while the line dispatches; otherwise one greenlet at a time does (see
  // the top of this file), and the others wait to be handed an event or to take over the reading.
  const auto someone_reads = [&] { return st->reading || (st->dispatching && !st->failure); };
  for (;;) {
    if (me.got) return me.got;
    if (!st->request) throw GpioError(EBADF, "wait for an edge on " + st->description(), "the line was released");
    if (st->failure) std::rethrow_exception(st->failure);
    if (!someone_reads()) {
      if (Clock::now() >= deadline) return std::nullopt;
      st->read_round(deadline);
      continue;
    }
    const bool woken = pinfiber::detail::wait_until(
        {"a GPIO edge"}, deadline, [&] { return me.got || !st->request || st->failure || !someone_reads(); });
    if (!woken) return me.got;
  }
}

namespace {
void add_handler(const std::shared_ptr<detail::InputState>& st, Edge edge, EdgeHandler handler) {
  if (!st || !st->request) throw_released("add a handler to");
  if (st->settings.edge == Edge::none)
    throw GpioError(EINVAL, "add a handler to " + st->description(), "it was requested with Edge::none");
  st->handlers.emplace_back(edge, std::make_shared<EdgeHandler>(std::move(handler)));
  st->start_dispatch();
}
}  // namespace

void InputLine::on_rising(EdgeHandler handler) { add_handler(state_, Edge::rising, std::move(handler)); }
void InputLine::on_falling(EdgeHandler handler) { add_handler(state_, Edge::falling, std::move(handler)); }
void InputLine::on_edge(EdgeHandler handler) { add_handler(state_, Edge::both, std::move(handler)); }

void InputLine::clear_handlers() {
  if (!state_) return;
  state_->handlers.clear();
  if (state_->observer) {
    state_->pending.clear();
    state_->wake_runner();  // it ends; a handler running now finishes first
  } else if (state_->dispatching) {
    state_->stop_dispatch(false);
  }
}

std::uint64_t InputLine::lost_count() const { return state_ ? state_->lost : 0; }
std::uint64_t InputLine::lost_events() const { return state_ ? state_->lost_events : 0; }
unsigned InputLine::offset() const { return state_ ? state_->offset : 0; }
std::string InputLine::description() const { return state_ ? state_->description() : "a released line"; }

void InputLine::release() {
  if (!state_) return;
  std::shared_ptr<detail::InputState> st = std::move(state_);
  st->handlers.clear();
  st->observer = nullptr;
  st->stop_dispatch(true);
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
