#pragma once
// DistanceSensor: the HC-SR04 ultrasonic ranger (gpiozero's DistanceSensor): a 10 us pulse on its
// trigger pin sends a burst of ultrasound; its echo pin is then high for as long as the sound took
// to reach an obstacle and come back.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/core/detail/wait_list.hpp"
#include "pinfiber/core/greenlet.hpp"
#include "pinfiber/gpio/chip.hpp"
#include "pinfiber/gpio/line.hpp"

namespace pinfiber::devices {

/// How a DistanceSensor measures. Defaults are gpiozero's where it has them.
struct DistanceSensorOptions {
  /// Readings the distance is the median of.
  unsigned queue_len = 9;
  /// The distance (m) that value() 1 stands for; farther readings count as this far.
  double max_distance = 1;
  /// Nearer than this (m) is "in range".
  double threshold_distance = 0.3;
  /// false: distance() waits for queue_len readings; true: it answers from those there are.
  bool partial = false;
  /// Time between triggers. The HC-SR04's datasheet asks for over 60 ms, so that the last echoes
  /// of one burst die away before the next.
  TimeSpan interval = 0.06;
  /// m/s: 343.26, the speed of sound in dry air at 20 degC, as gpiozero takes it.
  double speed_of_sound = 343.26;
};

/// An HC-SR04: a background greenlet triggers it every `interval` and measures each echo pulse's
/// width from the kernel's timestamps of its two edges (EdgeEvent::timestamp_ns), so the hub's
/// cooperative scheduling, which may run the greenlet milliseconds after an edge, costs no accuracy:
/// the kernel stamps each edge in its interrupt handler. A missing echo (nothing within range, or no
/// sensor) reads as max_distance. Handlers run, each in a greenlet, when an obstacle comes within
/// threshold_distance and when it leaves; waits block only the calling greenlet. The trigger is left
/// low and both lines released when the object goes away.
///
///   pinfiber::devices::DistanceSensor sensor(24, 23);      // echo on BCM 24, trigger on BCM 23
///   sensor.when_in_range([&] { buzzer.on(); });
///   std::printf("%.2f m\n", sensor.distance(1s));
class DistanceSensor {
 public:
  /// Echo and trigger on BCM GPIOs of the default chip / lines of `chip`. Throws GpioError as
  /// Chip::request_input/request_output, pinfiber::Error EINVAL for nonsensical options.
  DistanceSensor(unsigned echo, unsigned trigger, const DistanceSensorOptions& options = {});
  DistanceSensor(gpio::Chip& chip, unsigned echo, unsigned trigger, const DistanceSensorOptions& options = {});
  DistanceSensor(const DistanceSensor&) = delete;
  DistanceSensor& operator=(const DistanceSensor&) = delete;
  ~DistanceSensor();

  /// The median of the last queue_len readings, in metres (at most max_distance). Unless `partial`,
  /// blocks the calling greenlet until there are queue_len of them, up to `timeout` (TimeoutError).
  double distance(TimeSpan timeout = forever);
  /// distance() / max_distance, 0..1.
  double value(TimeSpan timeout = forever) { return distance(timeout) / max_distance_; }
  /// distance() < threshold_distance.
  bool in_range(TimeSpan timeout = forever) { return distance(timeout) < threshold_; }
  /// Blocks the calling greenlet until an obstacle is within / beyond threshold_distance (at once if
  /// it is already); false if `timeout` passed first.
  bool wait_for_in_range(TimeSpan timeout = forever);
  bool wait_for_out_of_range(TimeSpan timeout = forever);
  /// Adds a function run (in a greenlet of its own) each time an obstacle comes into / goes out of
  /// range.
  void when_in_range(std::function<void()> fn) { on_in_.push_back(std::move(fn)); }
  void when_out_of_range(std::function<void()> fn) { on_out_.push_back(std::move(fn)); }

  /// The width of the last echo pulse, from the kernel's edge timestamps (nothing if it had none).
  std::optional<Duration> last_echo() const { return last_echo_; }
  /// Triggers sent, and the ones that got no echo.
  std::uint64_t triggers() const { return triggers_; }
  std::uint64_t missed_echoes() const { return missed_; }
  double max_distance() const { return max_distance_; }
  double threshold_distance() const { return threshold_; }

 private:
  void run();
  void measure_once();
  bool full() const { return partial_ ? !queue_.empty() : queue_.size() >= queue_len_; }
  double median() const;

  gpio::InputLine echo_;
  gpio::OutputLine trigger_;
  unsigned queue_len_;
  double max_distance_, threshold_;
  bool partial_;
  Duration interval_;
  double speed_;
  std::deque<double> queue_;
  std::optional<Duration> last_echo_;
  std::uint64_t triggers_ = 0, missed_ = 0;
  int in_range_ = -1;  // -1 until the queue is full
  std::vector<std::function<void()>> on_in_, on_out_;
  pinfiber::detail::WaitList waiting_;
  GreenletBase measurer_;
};

}  // namespace pinfiber::devices
