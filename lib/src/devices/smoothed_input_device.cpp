#include "pinfiber/devices/smoothed_input_device.hpp"

#include <cerrno>
#include <cmath>
#include <string>

#include "pinfiber/core/sleep.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

namespace {

gpio::InputSettings settings(const SmoothedInputOptions& o) {
  // Sampled, not edge-driven: no edge events to read and discard.
  return {.edge = gpio::Edge::none,
          .bias = o.pull_up ? gpio::Bias::pull_up : gpio::Bias::pull_down,
          .active_low = o.pull_up,
          .consumer = "pinfiber-sensor"};
}

void check(const SmoothedInputOptions& o) {
  if (o.queue_len == 0 || !(o.sample_rate > 0) || !std::isfinite(o.sample_rate) || !(o.threshold >= 0) ||
      !(o.threshold <= 1))
    throw Error::exactly(EINVAL,
                         "set up a smoothed input: queue_len must be at least 1, sample_rate positive and "
                         "threshold within 0..1");
}

}  // namespace

SmoothedInputDevice::SmoothedInputDevice(unsigned bcm, const SmoothedInputOptions& options)
    : SmoothedInputDevice(*std::make_unique<gpio::Chip>(gpio::Chip::default_chip()), bcm, options) {}

SmoothedInputDevice::SmoothedInputDevice(gpio::Chip& chip, unsigned offset, const SmoothedInputOptions& options)
    : line_((check(options), chip.request_input(offset, settings(options)))),
      queue_len_(options.queue_len),
      interval_(static_cast<Duration::rep>(std::llround(1e9 / options.sample_rate))),
      threshold_(options.threshold),
      partial_(options.partial) {
  sampler_ = spawn_with(SpawnOptions{.name = "sensor sampler"}, [this] { run(); });
}

SmoothedInputDevice::~SmoothedInputDevice() {
  try {
    sampler_.kill();
  } catch (...) {
  }
  line_.release();
}

double SmoothedInputDevice::mean() const {
  unsigned on = 0;
  for (bool b : queue_) on += b;
  return queue_.empty() ? 0.0 : static_cast<double>(on) / static_cast<double>(queue_.size());
}

void SmoothedInputDevice::run() {
  // Absolute deadlines: the rate stays the rate however late a wake-up was.
  TimePoint next = Clock::now();
  for (;;) {
    queue_.push_back(line_.get());
    if (queue_.size() > queue_len_) queue_.pop_front();
    ++samples_;
    if (full()) {
      const int now_active = mean() > threshold_ ? 1 : 0;
      if (now_active != state_) {
        const bool first = state_ < 0;
        state_ = now_active;
        // The first full queue sets the state without an event, as gpiozero's does.
        if (!first) {
          for (const auto& fn : now_active ? on_active_ : on_inactive_)
            spawn_with(SpawnOptions{.name = "sensor handler"}, fn);
        }
      }
      waiting_.wake_all();
    }
    next += interval_;
    const Duration left = next - Clock::now();
    pinfiber::sleep(left > Duration::zero() ? left : Duration::zero());
  }
}

double SmoothedInputDevice::value(TimeSpan timeout) {
  if (!waiting_.wait({"a sensor's first samples"}, deadline_in(timeout), [&] { return full(); }))
    throw TimeoutError("read " + line_.description(), "waiting for " + std::to_string(queue_len_) + " samples");
  return mean();
}

bool SmoothedInputDevice::wait_for_active(TimeSpan timeout) {
  return waiting_.wait({"a sensor to become active"}, deadline_in(timeout), [&] { return state_ == 1; });
}

bool SmoothedInputDevice::wait_for_inactive(TimeSpan timeout) {
  return waiting_.wait({"a sensor to become inactive"}, deadline_in(timeout), [&] { return state_ == 0; });
}

}  // namespace pinfiber::devices
