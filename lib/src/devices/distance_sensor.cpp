#include "pinfiber/devices/distance_sensor.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <string>

#include "pinfiber/core/sleep.hpp"
#include "pinfiber/error.hpp"

namespace pinfiber::devices {

namespace {

// The trigger pulse: the datasheet asks for at least 10 us high.
constexpr auto kTriggerPulse = std::chrono::microseconds(10);
// How long after the trigger the echo may start: the module first sends its 8-cycle 40 kHz burst
// (200 us) and its controller takes a few hundred more; 10 ms is far beyond any module's.
constexpr auto kEchoStart = std::chrono::milliseconds(10);
// The longest echo: with nothing in range the module drops its echo after about 38 ms.
constexpr auto kEchoMax = std::chrono::milliseconds(40);

void check(const DistanceSensorOptions& o) {
  if (o.queue_len == 0 || !(o.max_distance > 0) || !(o.threshold_distance >= 0) ||
      !(o.threshold_distance <= o.max_distance) || !(o.speed_of_sound > 0) || o.interval.duration() <= Duration::zero())
    throw Error::exactly(EINVAL,
                         "set up a distance sensor: queue_len >= 1, max_distance > 0, 0 <= "
                         "threshold_distance <= max_distance, a positive interval and speed of sound");
}

}  // namespace

DistanceSensor::DistanceSensor(unsigned echo, unsigned trigger, const DistanceSensorOptions& options)
    : DistanceSensor(*std::make_unique<gpio::Chip>(gpio::Chip::default_chip()), echo, trigger, options) {}

DistanceSensor::DistanceSensor(gpio::Chip& chip, unsigned echo, unsigned trigger, const DistanceSensorOptions& options)
    : echo_((check(options), chip.request_input(echo, {.edge = gpio::Edge::both, .consumer = "pinfiber-hc-sr04"}))),
      trigger_(chip.request_output(trigger, {.initial_value = false, .consumer = "pinfiber-hc-sr04"})),
      queue_len_(options.queue_len),
      max_distance_(options.max_distance),
      threshold_(options.threshold_distance),
      partial_(options.partial),
      interval_(options.interval),
      speed_(options.speed_of_sound) {
  measurer_ = spawn_with(SpawnOptions{.name = "HC-SR04"}, [this] { run(); });
}

DistanceSensor::~DistanceSensor() {
  try {
    measurer_.kill();
  } catch (...) {
  }
  try {
    if (trigger_.requested()) trigger_.set(false);
  } catch (...) {
  }
  trigger_.release();
  echo_.release();
}

double DistanceSensor::median() const {
  std::vector<double> v(queue_.begin(), queue_.end());
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void DistanceSensor::measure_once() {
  // Edges left over from an echo that came after its deadline belong to no trigger: drop them.
  while (echo_.wait_edge(gpio::Edge::both, Duration::zero())) {
  }
  trigger_.set(true);
  pinfiber::sleep(kTriggerPulse);
  trigger_.set(false);
  ++triggers_;
  double metres = max_distance_;
  last_echo_.reset();
  if (auto rise = echo_.wait_edge(gpio::Edge::rising, kEchoStart)) {
    if (auto fall = echo_.wait_edge(gpio::Edge::falling, kEchoMax)) {
      // The kernel's timestamps of the two edges: exact however late this greenlet ran.
      last_echo_ = Duration(fall->timestamp_ns - rise->timestamp_ns);
      metres = std::min(max_distance_, std::chrono::duration<double>(*last_echo_).count() * speed_ / 2);
    }
  }
  if (!last_echo_) ++missed_;
  queue_.push_back(metres);
  if (queue_.size() > queue_len_) queue_.pop_front();
}

void DistanceSensor::run() {
  TimePoint next = Clock::now();
  for (;;) {
    measure_once();
    if (full()) {
      const int now_in = median() < threshold_ ? 1 : 0;
      if (now_in != in_range_) {
        const bool first = in_range_ < 0;
        in_range_ = now_in;
        if (!first) {
          for (const auto& fn : now_in ? on_in_ : on_out_) spawn_with(SpawnOptions{.name = "HC-SR04 handler"}, fn);
        }
      }
      waiting_.wake_all();
    }
    next += interval_;
    const Duration left = next - Clock::now();
    pinfiber::sleep(left > Duration::zero() ? left : Duration::zero());
  }
}

double DistanceSensor::distance(TimeSpan timeout) {
  if (!waiting_.wait({"an HC-SR04's readings"}, deadline_in(timeout), [&] { return full(); }))
    throw TimeoutError("measure the distance with the HC-SR04 on " + echo_.description(),
                       "waiting for " + std::to_string(queue_len_) + " readings");
  return median();
}

bool DistanceSensor::wait_for_in_range(TimeSpan timeout) {
  return waiting_.wait({"an obstacle in range"}, deadline_in(timeout), [&] { return in_range_ == 1; });
}

bool DistanceSensor::wait_for_out_of_range(TimeSpan timeout) {
  return waiting_.wait({"no obstacle in range"}, deadline_in(timeout), [&] { return in_range_ == 0; });
}

}  // namespace pinfiber::devices
