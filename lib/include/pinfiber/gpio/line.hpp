#pragma once
// Requested lines: InputLine (read, wait for edges, edge handlers) and OutputLine (set, toggle).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/edge_event.hpp"
#include "pinfiber/gpio/line_settings.hpp"

namespace pinfiber::gpio {

namespace detail {
struct ChipState;
struct InputState;
struct OutputState;
}  // namespace detail

/// Runs for each event it matches, in the line's handler greenlet (see InputLine).
using EdgeHandler = std::function<void(const EdgeEvent&)>;

/// A line requested as an input. Movable; the line is released when it is destroyed or release()d,
/// after which it can be requested again.
///
///   auto line = chip.request_input(4, {.edge = Edge::both, .bias = Bias::pull_up});
///   line.on_rising([](const EdgeEvent&) { std::puts("pressed"); });
///   auto ev = line.wait_edge(Edge::falling, 5s);       // blocks this greenlet, like a socket read
///
/// Events are read from the request's fd in bulk (up to the kernel's 16 per read). While handlers
/// are registered the hub reads them as they come and hands each to the greenlets waiting in
/// wait_edge and to the handlers, which run one after another in one greenlet per line (made by the
/// first handler; no greenlet is spawned per event), in the order of the events; a handler may block,
/// later events then wait for it (up to 1024, then the oldest are dropped and counted as lost).
/// Without handlers, events queue until a wait_edge takes them, like bytes on a socket.
///
/// Lost events (the kernel's queue overflowed): counted (lost_count, lost_events), flagged on the
/// next event (EdgeEvent::lost_before), and on a both-edges line the level is re-read once the queue
/// is empty; if it differs from the last event's, a synthetic event (EdgeEvent::synthetic) reports
/// it, so a reader of the events never stays on a wrong level.
class InputLine {
 public:
  InputLine() = default;
  InputLine(InputLine&&) noexcept;
  InputLine& operator=(InputLine&&) noexcept;
  ~InputLine();

  /// The logical level (active-low applied), read from the line now. Never blocks.
  /// Throws GpioError if the line was released or the read fails.
  bool get() const;

  /// Blocks the calling greenlet until an event of edge `which` arrives (queued ones first, oldest
  /// first; queued events of other edges before it are dropped) or `timeout` passes; returns the
  /// event, or nothing on timeout. Throws GpioError if the line has no edges requested or is
  /// released while waiting, and the caller's own interrupts (kill, Timeout).
  std::optional<EdgeEvent> wait_edge(Edge which = Edge::both, TimeSpan timeout = forever);

  /// Adds a handler for rising / falling / any edges; each matching event runs it in the line's
  /// handler greenlet, after the handlers of earlier events (a rising and a falling handler on one
  /// line are fine). Handlers stay until clear_handlers() or release(). An exception escaping a
  /// handler is reported like any greenlet's (that greenlet ends; a new one serves later events).
  /// Throws GpioError if the line has no edges requested.
  void on_rising(EdgeHandler handler);
  void on_falling(EdgeHandler handler);
  void on_edge(EdgeHandler handler);
  /// Removes every handler; handlers already running finish.
  void clear_handlers();

  /// How many times events were lost (the kernel queue overflowed) since the request.
  std::uint64_t lost_count() const;
  /// How many events were lost since the request: exact where the backend numbers events
  /// (Capabilities::sequence_numbers), otherwise one per time (a lower bound).
  std::uint64_t lost_events() const;
  unsigned offset() const;
  /// "line 4 on gpiochip0", as errors name it.
  std::string description() const;
  bool requested() const { return static_cast<bool>(state_); }

  /// Releases the line: stops the event reading, kills the handler greenlet (unless it is the
  /// caller: then the handler running now finishes) and wakes waiters with GpioError. Blocks until
  /// that greenlet has ended.
  void release();

 private:
  friend class Chip;
  friend class Button;  // its state follows each edge as the hub reads it (an observer, internal)
  explicit InputLine(std::shared_ptr<detail::InputState> state);
  std::shared_ptr<detail::InputState> state_;
};

/// A line requested as an output. Movable; released when destroyed or release()d (the kernel then
/// keeps the last value; Led turns itself off first).
///
///   auto led = chip.request_output(17, {.initial_value = false});
///   led.set(true);
///   led.toggle();                                      // off again
class OutputLine {
 public:
  OutputLine() = default;
  OutputLine(OutputLine&&) noexcept;
  OutputLine& operator=(OutputLine&&) noexcept;
  ~OutputLine();

  /// The logical value last set (read back from the line). Never blocks. Throws GpioError.
  bool get() const;
  /// Sets the logical value. Never blocks. Throws GpioError if released or the write fails.
  void set(bool value);
  /// Inverts the value; returns the new one.
  bool toggle();
  unsigned offset() const;
  std::string description() const;
  bool requested() const { return static_cast<bool>(state_); }
  void release();

 private:
  friend class Chip;
  explicit OutputLine(std::shared_ptr<detail::OutputState> state);
  std::shared_ptr<detail::OutputState> state_;
};

}  // namespace pinfiber::gpio
