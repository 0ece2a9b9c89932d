#pragma once
// The mock backend: chips and pins in memory, driven by tests (or by the demo's scripted finger).
// It implements the same backend interface as libgpiod, and its edge events arrive through a real
// eventfd, so a greenlet waiting on a mock pin goes through the hub exactly as on a real chip.
// Like the kernel, it refuses a second request of a held line (EBUSY) and keeps 16 events per
// request; what it does beyond that follows its capabilities (set_capabilities), so tests run the
// common code both as it runs over libgpiod 1.6 and as over libgpiod 2. Use it from the hub's
// thread only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/backend.hpp"

namespace pinfiber::gpio {

struct Board;

class MockBackend;
class MockChipBackend;
namespace detail {
class MockRequest;
}

/// One line of a mock chip, as the outside world sees it: something (a finger, a sensor) can drive
/// it; outputs requested on it drive it too; every change of its physical level is recorded.
///
///   pin.drive_low();                                  // the button, to ground, is pressed
///   EXPECT_TRUE(button.is_pressed());
///   EXPECT_EQ(led_pin.history().back().level, true);
class MockPin {
 public:
  /// A change of the physical level, at the hub's clock.
  struct Change {
    TimePoint at;
    bool level;
    friend bool operator==(const Change&, const Change&) = default;
  };

  /// Drives the line from outside to `level` (physical), producing edge events at the hub's now().
  void drive(bool level);
  void drive_high() { drive(true); }
  void drive_low() { drive(false); }
  /// Stops driving from outside: the line then follows an output on it, or its pull, or floats to
  /// its idle level.
  void release_drive();
  /// Drives `level` for `width`, then back to what it was before. Blocks the calling greenlet `width`.
  void pulse(TimeSpan width, bool level = true);
  /// A bouncing contact settling at `final_level`: drives final_level, then `times` times flips to
  /// the other level and back, each change `interval` after the previous one (2 * times + 1 changes
  /// in all). Blocks the calling greenlet 2 * times * interval.
  void bounce(bool final_level, unsigned times, TimeSpan interval);

  /// One expected entry of the history, as gpiozero's assert_states_and_times takes it: the level,
  /// and how long after the previous change it came (the first: after clear_history(), or the pin's
  /// making).
  struct State {
    Duration after;
    bool level;
  };

  /// The physical level now.
  bool level() const;
  /// The changes of the physical level since the pin was made or clear_history(), oldest first: the
  /// newest history_capacity() of them. Older ones are dropped and counted (history_dropped()), so
  /// a pin toggled for days costs bounded memory (an entry is 16 bytes).
  const std::deque<Change>& history() const { return history_; }
  /// Forgets the history and the dropped count; times in compare_states_and_times() count from now.
  void clear_history();
  /// How many changes were dropped from the front of the history since clear_history().
  std::uint64_t history_dropped() const { return dropped_; }
  /// The most changes history() keeps (default kHistoryCapacity); at least 1. Shrinking drops the
  /// oldest at once.
  void set_history_capacity(std::size_t n);
  std::size_t history_capacity() const { return capacity_; }
  static constexpr std::size_t kHistoryCapacity = 10'000;

  /// gpiozero's MockPin.assert_states_and_times in one call: compares the history with `expected`,
  /// level for level, each change's time since the previous one within `tolerance` (zero on the
  /// paused test clock; some where the clock runs). Returns an empty string when they match, else
  /// what differs and the whole history (pinfiber::testing::states_and_times wraps it for GoogleTest).
  std::string compare_states_and_times(std::span<const State> expected, Duration tolerance = Duration::zero()) const;
  /// The same for the levels alone (gpiozero's assert_states).
  std::string compare_states(std::span<const bool> expected) const;
  /// The level an undriven line with no pull floats to (its board default pull); default low.
  void set_idle_level(bool level);
  /// Calls `fn(level)` after every change of the physical level, whatever caused it (an output
  /// requested on the pin, drive()): how a device model answers what the code under test does - a
  /// mock HC-SR04 sees its trigger pulse. It runs inside the call that changed the level, on the
  /// hub's thread: it must not block (it may drive other pins, spawn greenlets, arm timers). One
  /// watcher per pin; an empty function removes it.
  void watch(std::function<void(bool level)> fn) { watcher_ = std::move(fn); }

  /// Marks the line as held by another program called `consumer` (as `gpioset` would): requests
  /// fail with EBUSY naming it. An empty name frees it.
  void hold_externally(std::string consumer);
  /// True while requested by this process (or held externally).
  bool requested() const;
  unsigned offset() const { return offset_; }
  const std::string& name() const { return name_; }

 private:
  friend class MockChip;
  friend class MockChipBackend;
  friend class MockBackend;
  friend class detail::MockRequest;
  MockPin(unsigned offset, std::string name);
  void update();  // recomputes the level; records and signals a change

  unsigned offset_;
  std::string name_;
  std::optional<bool> driven_;
  bool idle_level_ = false;
  bool level_ = false;
  std::string external_consumer_;
  detail::MockRequest* request_ = nullptr;
  std::deque<Change> history_;
  std::uint64_t dropped_ = 0;
  std::size_t capacity_ = kHistoryCapacity;
  TimePoint origin_;  // when the change before history_.front() happened, or the last clear
  std::function<void(bool)> watcher_;
};

/// A mock chip: a name, a label and its lines.
class MockChip {
 public:
  MockChip(const MockChip&) = delete;
  MockChip& operator=(const MockChip&) = delete;
  ~MockChip();

  /// Line `offset`. Throws std::out_of_range.
  MockPin& pin(unsigned offset);
  /// The line named `name`. Throws std::out_of_range.
  MockPin& pin(std::string_view name);
  const ChipInfo& info() const { return info_; }
  /// When set, the next request on this chip fails with this errno (then it is cleared), to test
  /// error paths such as EACCES.
  void fail_next_request(int err) { fail_next_request_ = err; }

 private:
  friend class MockBackend;
  friend class detail::MockRequest;
  friend class MockChipBackend;
  MockChip(MockBackend& backend, ChipInfo info, const std::vector<std::string>& names);
  MockBackend& backend_;
  ChipInfo info_;
  std::vector<std::unique_ptr<MockPin>> pins_;
  int fail_next_request_ = 0;
};

/// The mock backend: a set of mock chips. It must outlive every Chip opened from it.
///
///   pinfiber::gpio::MockBackend mock(pinfiber::gpio::boards::raspberry_pi_zero_w());
///   pinfiber::gpio::Chip chip("pinctrl-bcm2835", mock);
///   mock.chip(0).pin(4).drive_high();
class MockBackend : public Backend {
 public:
  /// No chips; add them with add_chip().
  MockBackend() = default;
  /// One chip, gpiochip0, modelled on `board`: its label, line count, line names and default pulls.
  explicit MockBackend(const Board& board);
  ~MockBackend() override;

  /// Adds gpiochip<N> (N = number of chips so far) with `label`, `num_lines` lines and optional
  /// line names.
  MockChip& add_chip(std::string label, unsigned num_lines, const std::vector<std::string>& names = {});
  /// Adds a chip modelled on `board`.
  MockChip& add_chip(const Board& board);
  /// Chip number `n`. Throws std::out_of_range.
  MockChip& chip(unsigned n);

  /// What the mock does by itself, for requests made from now on. The default is libgpiod 1.6's
  /// uAPI v1 (plus multi-line requests): no kernel debounce, no sequence numbers - a full queue drops
  /// the newest events and read_events() says so - and the monotonic clock only. Each capability
  /// switched on behaves as uAPI v2 does:
  ///  - kernel_debounce: every raw change restarts a quiet period of LineConfig::debounce; when it
  ///    ends with the level changed, one event is queued, stamped then; reads give the debounced level.
  ///  - sequence_numbers: each line's events are numbered from 1 (EdgeEvent::seqno), and a full queue
  ///    drops the oldest event, as gpiolib-cdev's v2 queue does, without saying so.
  ///  - realtime_clock: EventClock::realtime timestamps are the hub's clock plus the offset between
  ///    CLOCK_REALTIME and CLOCK_MONOTONIC at the request. hte_clock: stamped as monotonic.
  ///  - multi_line off: request_lines() falls back to one request per line.
  ///   mock.set_capabilities(GpiodBackend().capabilities());   // behave like this build's libgpiod
  void set_capabilities(const Capabilities& caps) { caps_ = caps; }
  Capabilities capabilities() const override { return caps_; }

  /// The board of the first add_chip(board) (or the constructor's): Chip::default_chip() opens it.
  const Board* simulated_board() const override { return board_; }

  std::string_view name() const override { return "mock"; }
  std::vector<std::string> chip_names() override;
  std::unique_ptr<ChipBackend> open(std::string_view name_or_path) override;

 private:
  std::vector<std::unique_ptr<MockChip>> chips_;
  Capabilities caps_{.multi_line = true};
  const Board* board_ = nullptr;
};

}  // namespace pinfiber::gpio
