#pragma once
// The shared state behind Chip, InputLine and OutputLine (private).

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

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

struct InputState {
  std::shared_ptr<ChipState> chip;
  unsigned offset = 0;
  InputSettings settings;
  std::unique_ptr<LineRequest> request;
  std::optional<Debouncer> debouncer;

  std::deque<EdgeEvent> queued;     // events no waiter or handler took yet (no handlers only)
  std::deque<EdgeWaiter*> waiters;  // greenlets in wait_edge, oldest first
  bool reading = false;             // a greenlet is waiting on the fd for everyone
  std::vector<std::pair<Edge, EdgeHandler>> handlers;
  GreenletBase pump;                  // reads events while handlers are registered
  std::vector<GreenletBase> running;  // handler greenlets that may still run
  std::uint64_t lost = 0;             // incidents
  std::uint64_t lost_events = 0;      // events: exact with sequence numbers, else one per incident
  Edge last_raw = Edge::none;
  bool gap = false;     // events were dropped before the next one read
  bool seqnos = false;  // the backend numbers events (Capabilities::sequence_numbers)
  std::uint64_t last_seqno = 0;

  std::string description() const { return chip->line_description(offset); }
  void read_round(TimePoint deadline);  // waits for the fd (or a debounce deadline), then pumps
  void pump_events();                   // reads what is queued without blocking and delivers it
  void deliver(const EdgeEvent& ev);
  void start_pump();
  void stop(bool kill_handlers);
};

struct OutputState {
  std::shared_ptr<ChipState> chip;
  unsigned offset = 0;
  OutputSettings settings;
  std::unique_ptr<LineRequest> request;
  std::string description() const { return chip->line_description(offset); }
};

}  // namespace pinfiber::gpio::detail
