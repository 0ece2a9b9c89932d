#pragma once
// The abstract GPIO backend: what a real (libgpiod) or mock implementation must provide, and what it
// may override. Everything above it - name lookup with fallbacks, error messages, the "held by"
// detail, debounce, event dispatch to waiters and handlers - is common code in Chip and the lines, so
// the mock runs through the same logic as the real chip (gpiozero's pins/__init__.py idea).
//
//   pinfiber::gpio::MockBackend mock;                      // or GpiodBackend, or default_backend()
//   pinfiber::gpio::Chip chip("gpiochip0", mock);
//   auto led = chip.request_output(17);

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinfiber/core/clock.hpp"
#include "pinfiber/gpio/edge_event.hpp"
#include "pinfiber/gpio/line_settings.hpp"

namespace pinfiber::gpio {

struct Board;

/// What a chip says about itself.
struct ChipInfo {
  std::string name;   // "gpiochip0"
  std::string label;  // "pinctrl-bcm2835"
  std::string path;   // "/dev/gpiochip0"
  unsigned num_lines = 0;
};

/// What the kernel says about one line (gpioinfo's columns).
struct LineInfo {
  unsigned offset = 0;
  std::string name;      // device-tree name ("GPIO17"), empty if unnamed
  std::string consumer;  // who holds it, empty if free
  bool used = false;     // requested by someone (this process, another one, or the kernel)
  Direction direction = Direction::input;
  bool active_low = false;
  Bias bias = Bias::as_is;
  Drive drive = Drive::push_pull;
};

/// What a backend does by itself. The common code fills in what it lacks: software debounce where
/// there is no kernel debounce, lost-edge inference where events carry no sequence numbers, one
/// request per line where there are no multi-line requests. Chip::capabilities() reports them.
struct Capabilities {
  /// The backend debounces (LineConfig::debounce; uAPI v2's debounce_period_us): its events are the
  /// debounced ones and get_value() the debounced level.
  bool kernel_debounce = false;
  /// read_events() numbers each line's events (EdgeEvent::seqno, consecutive unless events were lost).
  bool sequence_numbers = false;
  /// request_lines() requests several lines as one (one system call to read or set them all).
  bool multi_line = false;
  /// EventClock::realtime / EventClock::hte are accepted (the kernel may still refuse HTE for a line
  /// that has no hardware timestamp engine).
  bool realtime_clock = false;
  bool hte_clock = false;

  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

/// The request a backend receives: the union of input and output settings.
struct LineConfig {
  Direction direction = Direction::input;
  Edge edge = Edge::none;
  Bias bias = Bias::as_is;
  bool active_low = false;
  Drive drive = Drive::push_pull;
  bool initial_value = false;
  std::string consumer = "pinfiber";
  /// Kernel debounce period; non-zero only when the backend has Capabilities::kernel_debounce.
  Duration debounce = Duration::zero();
  /// Event clock; other than monotonic only when the backend offers it (Capabilities).
  EventClock clock = EventClock::monotonic;
};

/// One requested line, as a backend holds it. Destroying it releases the line.
/// Backend methods report OS failures by throwing std::system_error with the errno; the common code
/// turns them into GpioError with the chip and line named.
class LineRequest {
 public:
  virtual ~LineRequest() = default;
  /// must: the logical value (active-low applied). Never blocks.
  virtual bool get_value() = 0;
  /// must (outputs): sets the logical value. Never blocks.
  virtual void set_value(bool value) = 0;
  /// must (edge requests): a pollable fd that is readable while events are queued; -1 otherwise.
  virtual int event_fd() = 0;
  /// must (edge requests): moves up to out.size() queued events into `out` without blocking and
  /// returns how many (0 if none). Sets `lost` if the backend knows events were dropped after these
  /// (the v1 kernel drops the newest when its queue is full). With Capabilities::sequence_numbers,
  /// fills EdgeEvent::seqno instead, and the common code counts the gaps.
  virtual std::size_t read_events(std::span<EdgeEvent> out, bool& lost) = 0;
};

/// Several lines requested together, as a backend holds them (no edge events: a group is read and
/// set). Values are bit masks, bit i for the i-th requested offset (at most 64 lines, the kernel's
/// limit per request). Destroying it releases the lines.
class MultiLineRequest {
 public:
  virtual ~MultiLineRequest() = default;
  /// must: the logical values of every line. Never blocks.
  virtual std::uint64_t get_values() = 0;
  /// must (outputs): sets each line whose bit is set in `mask` to its bit in `values`; the others
  /// keep theirs. Never blocks.
  virtual void set_values(std::uint64_t mask, std::uint64_t values) = 0;
};

/// One open chip, as a backend holds it. Destroying it closes the chip (after its requests).
class ChipBackend {
 public:
  virtual ~ChipBackend() = default;
  /// must: name, label, path, number of lines.
  virtual ChipInfo info() = 0;
  /// must: the kernel's view of line `offset` (already range-checked).
  virtual LineInfo line_info(unsigned offset) = 0;
  /// must: requests line `offset` (already range-checked). Throws std::system_error (EBUSY when
  /// someone holds it, EACCES, ...).
  virtual std::unique_ptr<LineRequest> request(unsigned offset, const LineConfig& config) = 0;
  /// may: requests `offsets` (1 to 64, distinct, range-checked) with one config (config.edge is
  /// Edge::none) as one request; `initial_values` (bit i for offsets[i]) replaces
  /// config.initial_value for outputs. All or nothing: on failure no line stays requested.
  /// Default (for backends without Capabilities::multi_line): one request() per line, read and set
  /// one after another.
  virtual std::unique_ptr<MultiLineRequest> request_lines(std::span<const unsigned> offsets, const LineConfig& config,
                                                          std::uint64_t initial_values);
  /// may: the offset of the line named exactly `name`. Default: scans line_info() of every line.
  virtual std::optional<unsigned> find_line(std::string_view name);
};

/// A source of chips. Implementations: GpiodBackend (libgpiod 1.6 or 2, whichever the build has)
/// and MockBackend.
class Backend {
 public:
  virtual ~Backend() = default;
  /// must: "gpiod", "mock".
  virtual std::string_view name() const = 0;
  /// may: what the backend does by itself. Default: nothing (the common code does it all).
  virtual Capabilities capabilities() const { return {}; }
  /// may: the board a simulation is modelled on (MockBackend's), which Chip::default_chip() opens
  /// where no real board is detected. Default: null, for hardware (gpiochip0 is opened then).
  virtual const Board* simulated_board() const { return nullptr; }
  /// must: the names of the chips present ("gpiochip0", ...), in number order.
  virtual std::vector<std::string> chip_names() = 0;
  /// must: opens a chip by name ("gpiochip0") or path ("/dev/gpiochip0"). Throws std::system_error
  /// (ENOENT when there is no such chip, EACCES, ...).
  virtual std::unique_ptr<ChipBackend> open(std::string_view name_or_path) = 0;
  /// may: opens the chip whose label is `label`, or returns null. Default: opens each chip of
  /// chip_names() in turn and compares labels.
  virtual std::unique_ptr<ChipBackend> open_by_label(std::string_view label);
};

/// The backend that Chip, Button and Led use when none is given: chosen once per hub (thread), on
/// first use. PINFIBER_GPIO=mock or =gpiod if set; otherwise gpiod when a /dev/gpiochip* exists.
/// With no chip and no choice it throws GpioError(ENODEV) saying how to choose the mock: a
/// simulation is always an explicit choice (environment, use_backend or set_default_backend), never a
/// silent fallback that would let a daemon "work" while controlling nothing.
Backend& default_backend();
/// Makes `backend` (which must outlive its use) the calling thread's default; null restores the
/// automatic choice. The default chip is opened afresh from it.
void set_default_backend(Backend* backend);
/// Selects the calling thread's default backend by name ("gpiod" or "mock"), as PINFIBER_GPIO does.
/// Throws GpioError(EINVAL) for another name.
void use_backend(std::string_view name);

}  // namespace pinfiber::gpio
