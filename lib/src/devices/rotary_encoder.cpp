#include "pinfiber/devices/rotary_encoder.hpp"

#include "pinfiber/core/greenlet.hpp"

namespace pinfiber::devices {

namespace {

// Position of each (A << 1 | B) state in the clockwise cycle from rest: 11 -> 01 -> 00 -> 10.
constexpr int kPosition[4] = {/*00*/ 2, /*01*/ 1, /*10*/ 3, /*11*/ 0};
constexpr int kRest = 3;

gpio::InputSettings settings(const RotaryEncoderOptions& o) {
  // Logical levels are the physical ones (no active-low): the Gray code is about levels.
  return {.edge = gpio::Edge::both,
          .bias = o.pull_up ? gpio::Bias::pull_up : gpio::Bias::as_is,
          .debounce = o.bounce_time,
          .consumer = "pinfiber-encoder"};
}

}  // namespace

RotaryEncoder::RotaryEncoder(unsigned a, unsigned b, const RotaryEncoderOptions& options)
    : RotaryEncoder(*std::make_unique<gpio::Chip>(gpio::Chip::default_chip()), a, b, options) {}

RotaryEncoder::RotaryEncoder(gpio::Chip& chip, unsigned a, unsigned b, const RotaryEncoderOptions& options)
    : a_(chip.request_input(a, settings(options))),
      b_(chip.request_input(b, settings(options))),
      max_steps_(options.max_steps < 0 ? -options.max_steps : options.max_steps),
      wrap_(options.wrap),
      state_((a_.get() ? 2 : 0) | (b_.get() ? 1 : 0)) {
  a_.on_edge([this](const gpio::EdgeEvent& e) { on_edge(true, e.edge == gpio::Edge::rising); });
  b_.on_edge([this](const gpio::EdgeEvent& e) { on_edge(false, e.edge == gpio::Edge::rising); });
}

RotaryEncoder::~RotaryEncoder() {
  a_.release();
  b_.release();
}

void RotaryEncoder::on_edge(bool is_a, bool level) {
  const int bit = is_a ? 2 : 1;
  const int next = level ? (state_ | bit) : (state_ & ~bit);
  if (next == state_) return;  // a repeated level (an edge lost and found again): nothing moved
  // One bit changed: a neighbour in the cycle, one position on (+1) or back (-1).
  const int delta = (kPosition[next] - kPosition[state_] + 4) % 4 == 1 ? 1 : -1;
  state_ = next;
  progress_ += delta;
  if (state_ == kRest) {
    // Back at a detent: a whole cycle one way is a step; anything else was bounce or a wobble.
    if (progress_ >= 4)
      step(1);
    else if (progress_ <= -4)
      step(-1);
    progress_ = 0;
  }
}

void RotaryEncoder::set_steps(int steps) {
  if (max_steps_) steps = steps > max_steps_ ? max_steps_ : (steps < -max_steps_ ? -max_steps_ : steps);
  steps_ = steps;
}

void RotaryEncoder::step(int direction) {
  int s = steps_ + direction;
  if (max_steps_) {
    if (wrap_) {
      // -max_steps .. max_steps is 2 * max_steps + 1 positions; past one end is the other.
      if (s > max_steps_) s = -max_steps_;
      if (s < -max_steps_) s = max_steps_;
    } else {
      s = s > max_steps_ ? max_steps_ : (s < -max_steps_ ? -max_steps_ : s);
    }
  }
  steps_ = s;
  (direction > 0 ? cw_count_ : ccw_count_)++;
  for (const auto& fn : on_any_) spawn_with(SpawnOptions{.name = "encoder handler"}, fn);
  for (const auto& fn : direction > 0 ? on_cw_ : on_ccw_) spawn_with(SpawnOptions{.name = "encoder handler"}, fn);
  waiting_.wake_all();
}

bool RotaryEncoder::wait(int direction, TimeSpan timeout) {
  const std::uint64_t cw = cw_count_, ccw = ccw_count_;
  return waiting_.wait({"a rotary encoder step"}, deadline_in(timeout), [&] {
    if (direction > 0) return cw_count_ != cw;
    if (direction < 0) return ccw_count_ != ccw;
    return cw_count_ != cw || ccw_count_ != ccw;
  });
}

}  // namespace pinfiber::devices
