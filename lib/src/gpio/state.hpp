#pragma once
// The shared state behind Chip, InputLine and OutputLine (private).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <exception>
#include <functional>
#include <optional>

#include "pinfiber/core/detail/timer.hpp"
#include "pinfiber/core/detail/watch.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/backend.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/debounce.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::gpio {
struct Board;
}

namespace pinfiber::gpio::detail {

/// The hub's GPIO defaults (a hub service): the backend chosen for it and the chip opened from it.
/// Opened afresh when the default backend changes, so a chip of a destroyed backend is never handed out.
struct GpioDefaults {
  Backend* chosen = nullptr;
  std::unique_ptr<Backend> owned;
  std::unique_ptr<Chip> chip;  // after `owned`: closed before the backend it came from
};

struct ChipState {
  Backend* backend = nullptr;
  std::unique_ptr<ChipBackend> chip;
  ChipInfo info;
  const Board* board = nullptr;

  std::string line_description(unsigned offset) const { return "line " + std::to_string(offset) + " on " + info.name; }
  /// Range check shared by every backend: EINVAL naming the line count.
  void check_offset(unsigned offset, const char* action) const;
  /// On a known board, throws GpioError(EPERM) naming the header's GPIOs unless `offset` is on its
  /// 40-pin header or `off_header_allowed` (header_guard.cpp).
  void check_on_header(unsigned offset, bool off_header_allowed) const;
  /// Requests through the backend, turning std::system_error into GpioError with the consumer that
  /// holds the line on EBUSY and the permission hint on EACCES.
  std::unique_ptr<LineRequest> request(unsigned offset, const LineConfig& config);
};

/// Turns the current std::system_error (or GpioError) into a GpioError naming `action`.
[[noreturn]] void rethrow_as_gpio_error(const std::string& action);

/// Throws GpioError unless the chip's backend offers `clock` (EOPNOTSUPP) and, with software
/// debounce, the clock is the hub's (EINVAL). capabilities.cpp.
void check_event_clock(const ChipState& chip, unsigned offset, EventClock clock, bool software_debounce);

struct EdgeWaiter {
  Edge which;
  std::optional<EdgeEvent> got;
  pinfiber::detail::Fiber* fiber;
};

struct InputState : std::enable_shared_from_this<InputState> {
  InputState();
  ~InputState();
  InputState(const InputState&) = delete;
  InputState& operator=(const InputState&) = delete;

  std::shared_ptr<ChipState> chip;
  unsigned offset = 0;
  InputSettings settings;
  std::unique_ptr<LineRequest> request;
  std::optional<Debouncer> debouncer;

  std::deque<EdgeEvent> queued;     // events no waiter or handler took yet (when not dispatching)
  std::deque<EdgeEvent> pending;    // events for the handlers, oldest first (at most kPendingCapacity)
  std::deque<EdgeWaiter*> waiters;  // greenlets in wait_edge, oldest first
  bool reading = false;             // a greenlet is waiting on the fd for everyone

  // Dispatching (while there are handlers or an observer): the hub reads the fd through `watch` and
  // hands each event out from its callback - no greenlet in between; handlers run one after another
  // in `runner`, the line's one handler greenlet.
  bool dispatching = false;
  pinfiber::detail::FdWatch watch;
  pinfiber::detail::TimerNode settle_timer;  // the software debouncer's deadline while dispatching
  std::vector<std::pair<Edge, std::shared_ptr<EdgeHandler>>> handlers;
  /// A device's own bookkeeping (Button's state): sees each event as it is delivered, wherever it is
  /// read (in the hub, in a waiter), before the handlers; must not block. Returns false to keep an
  /// event from the handlers (Button: an edge that changes nothing it reported).
  std::function<bool(const EdgeEvent&)> observer;
  GreenletBase runner;
  bool runner_idle = false;    // parked in its own wait, where a wake is meant for it
  std::exception_ptr failure;  // a read in the hub failed: thrown to the runner and the waiters

  std::uint64_t lost = 0;         // incidents
  std::uint64_t lost_events = 0;  // events: exact with sequence numbers, else one per incident
  Edge last_raw = Edge::none;
  bool gap = false;                    // events were dropped before the next one read
  bool suspect = false;                // events may have been dropped: the level is re-read once the queue is empty
  bool counted = false;                // the suspected loss was already counted
  std::optional<bool> level;           // the level last delivered (both-edge lines, no software debounce)
  std::optional<Edge> synthetic_edge;  // the edge of a synthetic event, until the next real one
  bool seqnos = false;                 // the backend numbers events (Capabilities::sequence_numbers)
  std::uint64_t last_seqno = 0;

  std::string description() const { return chip->line_description(offset); }
  void read_round(TimePoint deadline);  // waits for the fd (or a debounce deadline), then pumps
  void pump_events();                   // reads what is queued without blocking and delivers it
  std::size_t drain();                  // pump_events' reads; returns how many events it read
  void resync();                        // after a suspected loss: re-reads the level, reports it
  void deliver(const EdgeEvent& ev);
  void start_dispatch();
  void stop_dispatch(bool kill_runner);
  void run_handlers();  // the runner's body
  void wake_runner();
};

struct OutputState {
  std::shared_ptr<ChipState> chip;
  unsigned offset = 0;
  OutputSettings settings;
  std::unique_ptr<LineRequest> request;
  std::string description() const { return chip->line_description(offset); }
};

}  // namespace pinfiber::gpio::detail
