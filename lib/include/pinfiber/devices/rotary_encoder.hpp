#pragma once
// RotaryEncoder: a quadrature rotary encoder (KY-040 and the like), gpiozero's RotaryEncoder.

#include <cstdint>
#include <functional>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::devices {

/// How a RotaryEncoder counts. Defaults are gpiozero's.
struct RotaryEncoderOptions {
  /// value() is steps / max_steps, -1..1; 0: steps unbounded and value() always 0.
  int max_steps = 16;
  /// Past max_steps: false clamps at +-max_steps; true wraps round to the other end (a dial).
  bool wrap = false;
  /// Pull-ups on both pins (the usual wiring: the common pin to ground).
  bool pull_up = true;
  /// Debounce of each pin (in the kernel where the backend can, else in software).
  TimeSpan bounce_time = Duration::zero();
};

/// Counts detents from the two pins' edges: the pins go through the Gray sequence 11 01 00 10 11
/// for one step clockwise (pin A falling first) and the reverse anticlockwise; a step counts when
/// the sequence is back at rest after four valid transitions in one direction, so contact bounce
/// (a transition undone) and a missed edge (an impossible transition, dropped) never count. Each
/// edge is handled from the line's own event (its edge and line), not by re-reading the levels.
/// Handlers run in greenlets of their own; waits block only the calling greenlet. Not movable.
///
///   pinfiber::devices::RotaryEncoder knob(20, 21, {.max_steps = 10, .wrap = true});
///   knob.when_rotated([&] { led.set_value((knob.value() + 1) / 2); });
class RotaryEncoder {
 public:
  /// Pins A and B as BCM GPIOs of the default chip / lines of `chip`. Throws GpioError.
  RotaryEncoder(unsigned a, unsigned b, const RotaryEncoderOptions& options = {});
  RotaryEncoder(gpio::Chip& chip, unsigned a, unsigned b, const RotaryEncoderOptions& options = {});
  RotaryEncoder(const RotaryEncoder&) = delete;
  RotaryEncoder& operator=(const RotaryEncoder&) = delete;
  ~RotaryEncoder();

  /// Steps turned (clockwise positive), within +-max_steps unless max_steps is 0.
  int steps() const { return steps_; }
  void set_steps(int steps);
  /// steps / max_steps.
  double value() const { return max_steps_ ? static_cast<double>(steps_) / max_steps_ : 0.0; }
  int max_steps() const { return max_steps_; }

  /// Blocks the calling greenlet until the next step (either way / clockwise / anticlockwise);
  /// false if `timeout` passed first.
  bool wait_for_rotate(TimeSpan timeout = forever) { return wait(0, timeout); }
  bool wait_for_rotate_clockwise(TimeSpan timeout = forever) { return wait(1, timeout); }
  bool wait_for_rotate_counter_clockwise(TimeSpan timeout = forever) { return wait(-1, timeout); }
  /// Adds a function run (in a greenlet of its own) at each step either way / clockwise /
  /// anticlockwise.
  void when_rotated(std::function<void()> fn) { on_any_.push_back(std::move(fn)); }
  void when_rotated_clockwise(std::function<void()> fn) { on_cw_.push_back(std::move(fn)); }
  void when_rotated_counter_clockwise(std::function<void()> fn) { on_ccw_.push_back(std::move(fn)); }

 private:
  void on_edge(bool is_a, bool level);
  void step(int direction);
  bool wait(int direction, TimeSpan timeout);

  gpio::InputLine a_, b_;
  int max_steps_;
  bool wrap_;
  int state_;         // (A << 1) | B, as the last edges left it
  int progress_ = 0;  // valid transitions since the last rest, + clockwise
  int steps_ = 0;
  std::uint64_t cw_count_ = 0, ccw_count_ = 0;
  std::vector<std::function<void()>> on_any_, on_cw_, on_ccw_;
  pinfiber::detail::WaitList waiting_;
};

}  // namespace pinfiber::devices
