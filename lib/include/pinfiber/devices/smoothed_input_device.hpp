#pragma once
// SmoothedInputDevice: an input sampled at a fixed rate into a queue whose mean is compared with a
// threshold (gpiozero's SmoothedInputDevice), the base of MotionSensor and LineSensor: a PIR's or an
// IR reflector's output flickers, and the mean of the last few samples does not.

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::devices {

/// How a SmoothedInputDevice samples.
struct SmoothedInputOptions {
  /// true: the internal pull-up is on and the input is active when low.
  bool pull_up = false;
  /// How many samples the mean is taken over.
  unsigned queue_len = 5;
  /// Samples per second.
  double sample_rate = 100;
  /// Active while the mean is above this.
  double threshold = 0.5;
  /// false: value() waits until the queue is full (queue_len samples); true: it answers from the
  /// samples there are.
  bool partial = false;
};

/// A background greenlet reads the line `sample_rate` times a second into a queue of `queue_len`;
/// value() is the queue's mean, is_active() whether it is above the threshold. Handlers run, each
/// in a greenlet of its own, when the state changes; waits block the calling greenlet only. The
/// sampler is killed and the line released when the object goes away. Not movable.
class SmoothedInputDevice {
 public:
  /// On BCM GPIO `bcm` of the default chip / line `offset` of `chip`. Throws GpioError as
  /// Chip::request_input, pinfiber::Error EINVAL for a queue_len of 0, a sample rate that is not
  /// positive or a threshold outside 0..1.
  SmoothedInputDevice(unsigned bcm, const SmoothedInputOptions& options);
  SmoothedInputDevice(gpio::Chip& chip, unsigned offset, const SmoothedInputOptions& options);
  SmoothedInputDevice(const SmoothedInputDevice&) = delete;
  SmoothedInputDevice& operator=(const SmoothedInputDevice&) = delete;
  virtual ~SmoothedInputDevice();

  /// The mean of the queued samples, 0..1. Unless `partial`, blocks the calling greenlet until the
  /// queue is full, up to `timeout` (TimeoutError naming the line).
  double value(TimeSpan timeout = forever);
  /// value() > threshold, with value()'s wait.
  bool is_active(TimeSpan timeout = forever) { return value(timeout) > threshold_; }
  /// Blocks the calling greenlet until is_active() is true / false (at once if it already is);
  /// returns false if `timeout` passed first.
  bool wait_for_active(TimeSpan timeout = forever);
  bool wait_for_inactive(TimeSpan timeout = forever);
  /// Adds a function run (in a greenlet of its own) each time the device becomes active / inactive.
  void when_activated(std::function<void()> fn) { on_active_.push_back(std::move(fn)); }
  void when_deactivated(std::function<void()> fn) { on_inactive_.push_back(std::move(fn)); }

  double threshold() const { return threshold_; }
  /// Samples taken so far.
  std::uint64_t samples() const { return samples_; }
  gpio::InputLine& line() { return line_; }

 private:
  void run();
  bool full() const { return partial_ ? !queue_.empty() : queue_.size() >= queue_len_; }
  double mean() const;

  gpio::InputLine line_;
  unsigned queue_len_;
  Duration interval_;
  double threshold_;
  bool partial_;
  std::deque<bool> queue_;
  std::uint64_t samples_ = 0;
  int state_ = -1;  // -1 until the queue is full, then 0 or 1
  std::vector<std::function<void()>> on_active_, on_inactive_;
  pinfiber::detail::WaitList waiting_;
  GreenletBase sampler_;
};

}  // namespace pinfiber::devices
